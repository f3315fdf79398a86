/** The page-images panel's extension page, framed in the page like the chat panel. */
export const PAGE_IMAGES_PAGE = '/page-images.html';
