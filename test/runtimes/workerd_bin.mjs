// The workerd binary itself. node_modules/.bin/workerd is, without the package's install
// script (npm runs none but bun's here), a Node shim that spawns the binary as its child:
// killing the shim leaves the binary serving with our pipes open, so the test never ends.
// The package's main export is the binary's path for this platform.
import { createRequire } from 'node:module';

export const workerdBin = createRequire(import.meta.url)('workerd').default;
