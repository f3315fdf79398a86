import { imageSourceFor } from '@/src/chat/image-source';
import type { Placement } from '@/src/chat/placement';
import { t } from '@/src/i18n/i18n';
import type { PageImageInfo } from '@/src/messaging/protocol';
import type { RequestHandlers } from '@/src/messaging/runtime-rpc';
import { PAGE_IMAGES_PAGE } from '@/src/page-images/pages';
import { defineExposeDescriptionsItem } from '@/src/page-images/settings';
import { addDescription, removeDescriptions } from './annotations';
import { type ScannedImage, scanPageImages } from './page-image-scan';
import { highlightElement } from './page-overlays';

type Handlers = Pick<
  RequestHandlers,
  | 'page-images/scan'
  | 'page-images/open'
  | 'page-images/read'
  | 'page-images/reveal'
  | 'page-images/annotate'
  | 'page-images/unannotate'
>;

export type FrameOpener = (options: {
  hostName: string;
  page: string;
  title: string;
  placement: () => Placement;
}) => void;

/**
 * The page's side of "describe this page's images" (top frame only): it lists the images,
 * reads one for the engine when the panel asks, scrolls to one, and, only while the user keeps
 * "add descriptions to the page" on, adds the descriptions the panel sends.
 */
export function pageImagesHandlers(isTopFrame: boolean, openFrame: FrameOpener): Handlers {
  let listed: ScannedImage[] = [];
  const element = (index: number) => {
    const found = listed[index]?.element;
    return found?.isConnected ? found : null;
  };
  if (isTopFrame) {
    // Turned off anywhere (another tab's panel): the descriptions leave this page too.
    defineExposeDescriptionsItem().watch((on) => {
      if (!on) removeDescriptions();
    });
  }
  return {
    'page-images/scan': async () => {
      if (!isTopFrame) return { images: [], checked: 0 };
      const all = scanPageImages(document);
      listed = all.filter((image) => image.verdict === 'describe');
      return {
        checked: all.length,
        images: listed.map(
          (image, index): PageImageInfo => ({
            index,
            srcUrl: /^https?:/.test(image.element.currentSrc || image.element.src)
              ? image.element.currentSrc || image.element.src
              : '',
            alt: (image.element.getAttribute('alt') ?? '').trim().slice(0, 200),
            width: Math.round(image.rect.width),
            height: Math.round(image.rect.height),
            inFrame: image.inFrame,
          }),
        ),
      };
    },
    'page-images/open': async () => {
      if (!isTopFrame) return { opened: false };
      openFrame({
        hostName: 'glimpse-page-images',
        page: PAGE_IMAGES_PAGE,
        title: t('frame.pageImages'),
        placement: () => ({ mode: 'docked' }),
      });
      return { opened: true };
    },
    'page-images/read': async ({ index }) => {
      const el = element(index);
      if (!el) return { problem: t('pageImages.gone') };
      return imageSourceFor(el.currentSrc || el.src);
    },
    'page-images/reveal': async ({ index }) => {
      const el = element(index);
      if (!el) return { shown: false };
      el.scrollIntoView({ block: 'center', inline: 'nearest' });
      highlightElement(el);
      return { shown: true };
    },
    'page-images/annotate': async ({ index, text }) => {
      const el = element(index);
      if (!el) return { added: false };
      addDescription(el, t('pageImages.describedBy', { text }));
      return { added: true };
    },
    'page-images/unannotate': async () => ({ removed: removeDescriptions() }),
  };
}
