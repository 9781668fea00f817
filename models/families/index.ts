import { registerFamily } from '../registry.js';
import { nanodetFamily } from './nanodet.js';
import { yolov8Family } from './yolov8.js';
import { yoloxFamily } from './yolox.js';

registerFamily(yoloxFamily);
registerFamily(nanodetFamily);
registerFamily(yolov8Family);

export { nanodetFamily, yolov8Family, yoloxFamily };
