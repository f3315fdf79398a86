import { describe, expect, test } from 'vitest';
import { type ImageFacts, isUsefulText, judgeImage } from '@/src/page-images/alt-text';

const facts = (over: Partial<ImageFacts>): ImageFacts => ({
  alt: null,
  role: null,
  ariaHidden: false,
  ariaLabel: '',
  title: '',
  src: 'https://cdn.example/photos/harbour-at-dawn.jpg',
  rendered: true,
  width: 320,
  height: 200,
  ...over,
});

describe('which images need a description', () => {
  test('no alt at all: describe', () => {
    expect(judgeImage(facts({}))).toBe('describe');
  });

  test('an alt that says nothing: file names, camera names, "image", "photo", numbers', () => {
    for (const alt of [
      'IMG_2041.jpg',
      'DSC00012',
      'PXL_20240611_101112',
      'Screenshot 2024-05-01 at 10.12.13',
      'harbour-at-dawn',
      'harbour at dawn.JPG',
      'image',
      'Photo',
      'picture 3',
      'an image',
      'Bild',
      'imagen',
      '画像',
      '图片',
      '12345',
      '—',
    ])
      expect([alt, judgeImage(facts({ alt }))]).toEqual([alt, 'describe']);
  });

  test('a real text alternative, from alt, aria-label, aria-labelledby or title: labelled', () => {
    expect(judgeImage(facts({ alt: 'Fishing boats in the harbour at dawn' }))).toBe('labelled');
    expect(judgeImage(facts({ ariaLabel: 'Sales by quarter, 2024' }))).toBe('labelled');
    expect(judgeImage(facts({ alt: 'photo', title: 'The old lighthouse' }))).toBe('labelled');
    // A word that merely contains "image" is not the word "image".
    expect(isUsefulText('Imagery of the coast')).toBe(true);
  });

  test('decoration the author marked: alt="", role presentation/none, aria-hidden', () => {
    expect(judgeImage(facts({ alt: '' }))).toBe('decorative');
    expect(judgeImage(facts({ alt: '  ' }))).toBe('decorative');
    expect(judgeImage(facts({ role: 'presentation' }))).toBe('decorative');
    expect(judgeImage(facts({ role: 'none' }))).toBe('decorative');
    expect(judgeImage(facts({ ariaHidden: true }))).toBe('decorative');
  });

  test('hidden or icon-sized images are left alone', () => {
    expect(judgeImage(facts({ rendered: false }))).toBe('hidden');
    expect(judgeImage(facts({ width: 0 }))).toBe('hidden');
    expect(judgeImage(facts({ width: 48, height: 48 }))).toBe('icon');
    expect(judgeImage(facts({ width: 600, height: 40 }))).toBe('icon');
    expect(judgeImage(facts({ width: 49, height: 49 }))).toBe('describe');
  });
});
