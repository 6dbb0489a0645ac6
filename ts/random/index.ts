// Random number generation: torch.Generator, the default generator and its seeding
// and state functions, the random factories and samplers, and (installed on Tensor)
// the in-place distribution methods.

import './inplace.js';

export {
  Generator, defaultGenerator, manualSeed, seed, initialSeed, getRngState, setRngState,
} from './generator.js';
export {
  rand, randn, randint, randperm, randLike, randnLike, randintLike, normal, bernoulli, multinomial,
} from './factories.js';
