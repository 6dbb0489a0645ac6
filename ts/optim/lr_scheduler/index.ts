// torch.optim.lr_scheduler: learning-rate schedules for an optimizer's parameter groups.
export { LRScheduler, _LRScheduler } from './scheduler.js';
export { LambdaLR, MultiplicativeLR } from './lambda.js';
export type { LrLambda } from './lambda.js';
export { StepLR, MultiStepLR, ExponentialLR, ConstantLR, LinearLR, PolynomialLR } from './step.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine.js';
export { CyclicLR } from './cyclic.js';
export type { ScaleFn } from './cyclic.js';
export { OneCycleLR } from './one_cycle.js';
export { ReduceLROnPlateau } from './plateau.js';
export { SequentialLR, ChainedScheduler } from './compose.js';
