// Deliberate type errors: tsc must report exactly these, which it can only do when the
// package's declarations resolve (an untyped import would make everything `any`).
import * as torch from 'torchwasm';

const bytes: string = torch.memory().bytesInUse; // TS2322: number is not a string
void torch.init(undefined, { relaxed: 'no' }); // TS2322: relaxed is a boolean
void bytes;
