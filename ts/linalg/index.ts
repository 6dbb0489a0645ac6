// torch.linalg: one file per family, re-exported here.
export {};
