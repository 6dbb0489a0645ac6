// The layers of torch.nn, one file per family.
export * from './activation.js';
export { MultiheadAttention, NonDynamicallyQuantizableLinear } from './attention.js';
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from './attention.js';
export { RNNBase, RNN, LSTM, GRU } from './rnn.js';
export { RNNCellBase, RNNCell, LSTMCell, GRUCell } from './rnn_cell.js';
export type { RNNBaseOptions, RNNOptions, LSTMOptions, GRUOptions, LSTMState } from './rnn.js';
