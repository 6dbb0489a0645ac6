// torch.nn.functional's losses, one file per family.
export { mseLoss, l1Loss, smoothL1Loss, huberLoss, klDiv, poissonNllLoss, gaussianNllLoss } from './loss_regression.js';
export { nllLoss } from './loss_nll.js';
export { crossEntropy } from './loss_cross_entropy.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits, softMarginLoss, multilabelSoftMarginLoss } from './loss_binary.js';
export {
  marginRankingLoss, hingeEmbeddingLoss, cosineEmbeddingLoss, multiMarginLoss, multilabelMarginLoss, tripletMarginLoss,
  tripletMarginWithDistanceLoss,
} from './loss_margin.js';
