import { storage as defaultStorage, type WxtStorage } from '@wxt-dev/storage';

/**
 * "Add descriptions to the page": off by default. While on, each finished description is
 * offered to assistive technology beside its image, in the page's DOM, where the page can read it.
 */
export function defineExposeDescriptionsItem(storage: WxtStorage = defaultStorage) {
  return storage.defineItem<boolean>('local:pageImages.exposeDescriptions', {
    fallback: false,
    version: 1,
  });
}
export type ExposeDescriptionsItem = ReturnType<typeof defineExposeDescriptionsItem>;
