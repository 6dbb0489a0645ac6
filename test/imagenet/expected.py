# Writes test/imagenet/expected.json: what torchvision 0.14 / PyTorch 1.13 compute for the
# ImageNet examples on the pictures of images.mjs (same integer formulas, in numpy).
# Run with the Python that has torch: /usr/bin/python3 test/imagenet/expected.py
#   preprocess: ImageClassification(crop_size, resize_size) (what
#     ResNet18_Weights.IMAGENET1K_V1.transforms() is) on the uint8 CHW tensor; `levels`
#     are the 8-bit values after resize and center crop (base64, CHW), `sums` the
#     per-channel sums of the normalised output, `samples` some of its values.
#   classify: the fixture resnet18.pt in torchvision's resnet18, top-5 of the softmax.
import base64
import json
import os
import warnings

import numpy as np
import torch
import torchvision
from torchvision.transforms import functional as TF
from torchvision.transforms._presets import ImageClassification

warnings.simplefilter('ignore')
here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.environ.get('CONFORMANCE_DIR', os.path.join(here, '..', '..', '..', 'shared', 'conformance'))


def synthetic_image(width, height):
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    cx, cy, rad = width // 2, height // 3, min(width, height) // 4
    r = (x * 7 + y * 3 + ((x // 8) % 2) * 64) % 256
    g = (y * 5 + (x * y) // 16) % 256
    b = np.where((x - cx) ** 2 + (y - cy) ** 2 < rad * rad, 230, (x + 2 * y) % 256)
    return torch.from_numpy(np.stack([r, g, b]).astype(np.uint8))  # (3, H, W)


preprocess = []
for width, height, resize, crop in [(94, 61, 32, 28), (40, 50, 30, 36), (61, 94, 32, 28), (320, 240, 256, 224)]:
    img = synthetic_image(width, height)
    levels = TF.center_crop(TF.resize(img, [resize], antialias=False), [crop])
    out = ImageClassification(crop_size=crop, resize_size=resize)(img)
    flat = out.flatten()
    idx = torch.linspace(0, flat.numel() - 1, 16).long()
    case = {'width': width, 'height': height, 'resizeSize': resize, 'cropSize': crop,
            'sums': out.double().sum((1, 2)).tolist(), 'samples': [[int(i), float(flat[i])] for i in idx]}
    if crop <= 64:
        case['levels'] = base64.b64encode(levels.contiguous().numpy().tobytes()).decode()
    preprocess.append(case)

model = torchvision.models.resnet18()
model.load_state_dict(torch.load(os.path.join(fixtures, 'models', 'resnet18.pt')))
model.eval()
classify = []
for width, height in [(320, 240), (180, 260)]:
    x = ImageClassification(crop_size=224)(synthetic_image(width, height)).unsqueeze(0)
    with torch.no_grad():
        p = model(x).softmax(1)[0]
    v, i = p.topk(5)
    classify.append({'width': width, 'height': height, 'top5': [[int(a), float(b)] for a, b in zip(i, v)]})

with open(os.path.join(here, 'expected.json'), 'w') as f:
    json.dump({'torch': torch.__version__, 'torchvision': torchvision.__version__, 'preprocess': preprocess, 'classify': classify}, f, indent=1)
    f.write('\n')
