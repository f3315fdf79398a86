import { ICON_MAX_SIDE } from '@/src/page/images-in-page';

/** What the page says about one image, read from its DOM (src/page/page-image-scan.ts). */
export interface ImageFacts {
  /** The alt attribute; null when there is none. */
  alt: string | null;
  role: string | null;
  /** aria-hidden="true" on the image or around it. */
  ariaHidden: boolean;
  /** aria-label, or the text aria-labelledby points at. */
  ariaLabel: string;
  title: string;
  /** The URL it shows (to tell an alt that is only its file name). */
  src: string;
  rendered: boolean;
  width: number;
  height: number;
}

export type ImageVerdict =
  /** Meaningful, with no useful text alternative: Glimpse describes it. */
  | 'describe'
  /** alt="", role=presentation/none, aria-hidden: the author said it is decoration. */
  | 'decorative'
  /** It has a text alternative worth keeping. */
  | 'labelled'
  /** Not drawn (display:none, visibility, opacity 0, zero size). */
  | 'hidden'
  /** Icon-sized. */
  | 'icon';

const IMAGE_EXTENSIONS = 'jpe?g|png|gif|webp|avif|svg|bmp|tiff?|heic|heif|ico|jfif';
const FILE_NAME = new RegExp(`^[^\\s/\\\\]+\\.(${IMAGE_EXTENSIONS})$`, 'i');
/** What cameras, phones and screenshot tools name files: IMG_2041, DSC00012, PXL_2024…, Screenshot 2024-… */
const CAMERA_NAME =
  /^(img|dsc[nf]?|pxl|mvimg|sam|wp|photo|image|screenshot|screen shot|bildschirmfoto|capture)[\s_-]*\d[\w\s.:-]*$/i;
/** Words that say "an image" and nothing about it, in the languages Glimpse ships, with an optional number. */
const GENERIC =
  /^(an?\s+)?(image|img|photo|photograph|picture|pic|graphic|figure|illustration|thumbnail|thumb|banner|placeholder|untitled|spacer|blank|foto|bild|grafik|abbildung|imagen|ilustración|immagine|photographie|画像|写真|イメージ|图片|图像|照片|圖片)(\s*[#_.-]?\s*\d+)?$/i;

function fileNameOf(src: string): string {
  try {
    const path = new URL(src).pathname;
    return decodeURIComponent(path.split('/').at(-1) ?? '');
  } catch {
    return '';
  }
}

const stripExtension = (name: string) => name.replace(/\.[a-z0-9]{2,5}$/i, '');
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();

/**
 * True when a text alternative tells a listener something: not empty, not a file name or the
 * image's own file name, not a word like "image" or "photo", not only digits and punctuation.
 */
export function isUsefulText(text: string, src = ''): boolean {
  const t = text.trim();
  if (!t) return false;
  if (FILE_NAME.test(t) || CAMERA_NAME.test(t) || GENERIC.test(t)) return false;
  if (/^[\d\s\p{P}\p{S}]+$/u.test(t)) return false;
  const file = fileNameOf(src);
  if (file && normalise(stripExtension(t)) === normalise(stripExtension(file))) return false;
  return true;
}

/** Whether Glimpse should describe this image, and if not, why not. */
export function judgeImage(facts: ImageFacts): ImageVerdict {
  const role = facts.role?.trim().toLowerCase() ?? '';
  if (facts.ariaHidden || role === 'presentation' || role === 'none' || facts.alt?.trim() === '')
    return 'decorative';
  if (!facts.rendered || facts.width <= 0 || facts.height <= 0) return 'hidden';
  if (facts.width <= ICON_MAX_SIDE || facts.height <= ICON_MAX_SIDE) return 'icon';
  const labels = [facts.ariaLabel, facts.alt ?? '', facts.title];
  return labels.some((text) => isUsefulText(text, facts.src)) ? 'labelled' : 'describe';
}
