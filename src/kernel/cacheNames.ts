/** The service worker's runtime cache of attachment files and thumbnails (emptied on sign-out). */
export const ATTACHMENT_CACHE = 'parley-attachments'
