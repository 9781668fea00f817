/** The model a device runs when none is configured: COCO NanoDet, built by `argus model default`. */
export const DEFAULT_MODEL = 'coco-nanodet';
