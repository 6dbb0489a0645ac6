// Module Web Worker: computes, then posts the error an invalid view raises as plain
// data ({ name, message }): structured clone keeps only the built-in error classes.
import * as torch from 'torchwasm';

const sum = torch.tidy(() => torch.arange(4).sum().item());
try {
  torch.ones(2).view(3);
  postMessage({ sum, name: 'none', message: 'no error was thrown' });
} catch (e) {
  postMessage({ sum, name: e.name, message: e.message });
}
