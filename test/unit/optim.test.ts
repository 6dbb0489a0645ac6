import { describe, it, expect, vi, afterEach } from 'vitest';
import { torch, expectClose } from '../helpers.js';

const F = torch.nn.functional;
type Options = Record<string, unknown>;
afterEach(() => vi.restoreAllMocks());

// The parameter and the gradients of the trajectory tests; both sides build them from
// these formulas (exact in float32 up to the tensor's rounding of the thirds).
const param0 = (n: number) => Array.from({ length: n }, (_, i) => (((i * 5) % 9) - 4) / 3);
const grad = (n: number, k: number) => Array.from({ length: n }, (_, i) => (((i * 7 + k * 5) % 13) - 6) / 4);
const f32 = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.float32 });

// The parameter after each step, from PyTorch 1.13:
//   p = torch.tensor(param0(6), requires_grad=True); opt = torch.optim.<Name>([p], **kwargs)
//   for k in range(steps): p.grad = torch.tensor(grad(6, k)); opt.step(); record p
const TRAJECTORIES: [string, Options, number[][]][] = [
  ['SGD', { lr: 0.05, momentum: 0.8, dampening: 0.1, weightDecay: 0.02 }, [
      [-1.2570000886917114, 0.3205000162124634, -0.9365000128746033, 0.6410000324249268, -0.6159999966621399, 0.9614999890327454],
      [-1.1835521459579468, 0.24244490265846252, -0.884857177734375, 0.6873897910118103, -0.586162269115448, 0.9860846400260925],
      [-1.1687285900115967, 0.2022826075553894, -0.8989965319633484, 0.7351329326629639, -0.6292645335197449, 1.0048649311065674],
    ]],
  ['SGD', { lr: 0.05, momentum: 0.7, nesterov: true, maximize: true }, [
      [-1.4608334302902222, 0.35458335280418396, -1.1062500476837158, 0.7091667056083679, -0.7516666650772095, 1.0637500286102295],
      [-1.5188333988189697, 0.4882083535194397, -1.136875033378601, 0.5939167141914368, -0.7549166679382324, 0.9758750200271606],
      [-1.4656833410263062, 0.4867458641529083, -1.0520625114440918, 0.544491708278656, -0.6384416818618774, 0.9581125378608704],
    ]],
  ['SGD', { lr: 0.1 }, [
      [-1.183333396911621, 0.3083333373069763, -0.875, 0.6166666746139526, -0.5666666626930237, 0.925000011920929],
      [-1.158333420753479, 0.15833333134651184, -0.875, 0.7666666507720947, -0.5916666388511658, 1.0500000715255737],
      [-1.258333444595337, 0.2083333283662796, -1.0, 0.7916666269302368, -0.7416666150093079, 1.0500000715255737],
    ]],
  ['Adam', { lr: 0.02, betas: [0.85, 0.98], eps: 1e-07, weightDecay: 0.05, amsgrad: true }, [
      [-1.3133333921432495, 0.31333333253860474, -0.9800000190734863, 0.6466667056083679, -0.6466667056083679, 0.9800000190734863],
      [-1.2975002527236938, 0.2961055636405945, -0.9664962887763977, 0.6565594673156738, -0.6370571255683899, 0.9855091571807861],
      [-1.2941020727157593, 0.2878004014492035, -0.9681762456893921, 0.6657849550247192, -0.6437847018241882, 0.9891563653945923],
    ]],
  ['Adam', { lr: 0.02, maximize: true }, [
      [-1.3533333539962769, 0.35333335399627686, -1.0199999809265137, 0.6866666674613953, -0.6866666674613953, 1.0199999809265137],
      [-1.36899995803833, 0.37021586298942566, -1.0334011316299438, 0.6767828464508057, -0.6960560083389282, 1.0141288042068481],
      [-1.3720908164978027, 0.37862005829811096, -1.0316838026046753, 0.6672400832176208, -0.6896308660507202, 1.0095903873443604],
    ]],
  ['AdamW', { lr: 0.02, weightDecay: 0.2, amsgrad: true, maximize: true }, [
      [-1.3480000495910645, 0.35200002789497375, -1.0160000324249268, 0.6840000152587891, -0.6840000152587891, 1.0160000324249268],
      [-1.3582746982574463, 0.3674745261669159, -1.0253305435180664, 0.6713801622390747, -0.6906533241271973, 1.0060648918151855],
      [-1.3559324741363525, 0.3744088113307953, -1.0195119380950928, 0.6591518521308899, -0.6814655661582947, 0.9975044131278992],
    ]],
  ['Adagrad', { lr: 0.2, lrDecay: 0.05, weightDecay: 0.1, initialAccumulatorValue: 0.2, eps: 1e-08, maximize: true }, [
      [-1.523415207862854, 0.42053455114364624, -1.1864013671875, 0.8058415055274963, -0.847030520439148, 1.1647683382034302],
      [-1.5363214015960693, 0.6008256673812866, -1.1681710481643677, 0.6286232471466064, -0.7884190082550049, 0.9998137950897217],
      [-1.4227044582366943, 0.5386934876441956, -1.0334906578063965, 0.5956927537918091, -0.638693630695343, 0.9883161783218384],
    ]],
  ['RMSprop', { lr: 0.02, alpha: 0.95, eps: 1e-06, weightDecay: 0.1, momentum: 0.6, centered: true, maximize: true }, [
      [-1.4250993728637695, 0.4250977039337158, -1.0917658805847168, 0.7584320306777954, -0.7584325075149536, 1.0917656421661377],
      [-1.487560749053955, 0.571639895439148, -1.1379843950271606, 0.7259767651557922, -0.7830740809440613, 1.0652564764022827],
      [-1.4658595323562622, 0.6268371939659119, -1.0959330797195435, 0.6883655190467834, -0.7204232811927795, 1.0427991151809692],
    ]],
  ['RMSprop', { lr: 0.02 }, [
      [-1.133333444595337, 0.13333342969417572, -0.800000011920929, 0.4666667580604553, -0.46666669845581055, 0.800000011920929],
      [-1.1002925634384155, -0.06397199630737305, -0.800000011920929, 0.6564983129501343, -0.515403687953949, 0.9717260003089905],
      [-1.2109419107437134, -0.0012110546231269836, -0.9421302080154419, 0.6879018545150757, -0.6807494163513184, 0.9717260003089905],
    ]],
  ['Adadelta', { lr: 0.8, rho: 0.7, eps: 0.0001, weightDecay: 0.1, maximize: true }, [
      [-1.347938060760498, 0.34788769483566284, -1.014604091644287, 0.6812596917152405, -0.6812698245048523, 1.014600157737732],
      [-1.3500083684921265, 0.3683495819568634, -1.012438416481018, 0.6611448526382446, -0.6734791994094849, 0.995442807674408],
      [-1.3353936672210693, 0.3572165071964264, -0.9959983229637146, 0.6548160910606384, -0.654718816280365, 0.9932444095611572],
    ]],
  ['Adamax', { lr: 0.05, betas: [0.7, 0.95], eps: 1e-06, weightDecay: 0.1, maximize: true }, [
      [-1.3833333253860474, 0.38333311676979065, -1.0499999523162842, 0.716666579246521, -0.7166666388511658, 1.0499999523162842],
      [-1.4075347185134888, 0.41579669713974, -1.0688450336456299, 0.6929313540458679, -0.7276684045791626, 1.03046452999115],
      [-1.400261640548706, 0.4254605174064636, -1.0542588233947754, 0.6744729280471802, -0.7082076072692871, 1.017462968826294],
    ]],
  ['NAdam', { lr: 0.05, betas: [0.8, 0.9], weightDecay: 0.1, momentumDecay: 0.1 }, [
      [-1.2790203094482422, 0.2790202796459198, -0.945686936378479, 0.6123536229133606, -0.6123536229133606, 0.945686936378479],
      [-1.2613376379013062, 0.22420310974121094, -0.9368301033973694, 0.6620033979415894, -0.6176522374153137, 0.9878656268119812],
      [-1.2857213020324707, 0.23633502423763275, -0.9737913012504578, 0.6730417013168335, -0.6645499467849731, 0.9854229092597961],
    ]],
  ['RAdam', { lr: 0.05, betas: [0.7, 0.8], weightDecay: 0.1 }, [
      [-1.2516666650772095, 0.3191666901111603, -0.9325000047683716, 0.6383333802223206, -0.6133333444595337, 0.9574999809265137],
      [-1.2070049047470093, 0.26827698945999146, -0.9019632339477539, 0.6689069271087646, -0.5969215631484985, 0.9739485383033752],
      [-1.2028119564056396, 0.25142762064933777, -0.9118497371673584, 0.6897005438804626, -0.6208875179290771, 0.9806627035140991],
      [-1.1781606674194336, 0.22592930495738983, -0.9012286067008972, 0.6811841726303101, -0.6242966651916504, 0.9581161141395569],
      [-1.1647820472717285, 0.23175646364688873, -0.9018278121948242, 0.6925410628318787, -0.6388735771179199, 0.9554952383041382],
      [-1.1794720888137817, 0.2352083921432495, -0.8751900792121887, 0.6946092844009399, -0.6261581778526306, 0.9436411261558533],
      [-1.1793711185455322, 0.22663496434688568, -0.8641170859336853, 0.6842593550682068, -0.6211821436882019, 0.9503185749053955],
      [-1.1854493618011475, 0.22602665424346924, -0.863288164138794, 0.6786996722221375, -0.6282384991645813, 0.9581021070480347],
    ]],
  ['ASGD', { lr: 0.05, lambd: 0.01, alpha: 0.5, t0: 2, weightDecay: 0.1, maximize: true }, [
      [-1.4010000228881836, 0.343999981880188, -1.056999921798706, 0.687999963760376, -0.7129999995231628, 1.031999945640564],
      [-1.405793309211731, 0.41708970069885254, -1.0511877536773682, 0.6092356443405151, -0.696582555770874, 0.963840901851654],
      [-1.3480902910232544, 0.38980934023857117, -0.9829403162002563, 0.5933927893638611, -0.6177907586097717, 0.9585424661636353],
      [-1.3906439542770386, 0.4251388907432556, -1.015010118484497, 0.6400941014289856, -0.6393767595291138, 1.0157276391983032],
      [-1.3705155849456787, 0.3603653907775879, -0.9844580888748169, 0.5866270065307617, -0.5984011292457581, 0.9726841449737549],
    ]],
  ['Rprop', { lr: 0.05, etas: [0.4, 1.5], stepSizes: [0.01, 0.2], maximize: true }, [
      [-1.3833333253860474, 0.38333335518836975, -1.0499999523162842, 0.7166666984558105, -0.7166666984558105, 1.0499999523162842],
      [-1.4583333730697632, 0.4583333730697632, -1.0499999523162842, 0.7166666984558105, -0.7166666984558105, 1.0499999523162842],
      [-1.4583333730697632, 0.4583333730697632, -0.9999999403953552, 0.6966667175292969, -0.6966667175292969, 1.0499999523162842],
      [-1.4883333444595337, 0.4883333742618561, -0.9999999403953552, 0.6966667175292969, -0.6966667175292969, 1.0699999332427979],
      [-1.4883333444595337, 0.4883333742618561, -0.9799999594688416, 0.68666672706604, -0.68666672706604, 1.0699999332427979],
    ]],
];

/** A float32 leaf that requires grad. */
function leaf(values: number[] | number[][]) {
  const t = f32(values);
  t.requiresGrad = true;
  return t;
}

/** Runs `steps` steps with the formula gradients; returns the parameter after each. */
function trajectory(name: string, options: Options, steps: number): number[][] {
  const p = leaf(param0(6));
  const Opt = (torch.optim as unknown as Record<string, new (params: unknown, opts: Options) => torch.optim.Optimizer>)[name];
  const opt = new Opt([p], options);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    p.grad = f32(grad(6, k));
    opt.step();
    out.push(p.tolist() as number[]);
  }
  return out;
}

function expectNear(got: number[] | number[][], want: number[] | number[][], rtol = 2e-6, atol = 1e-7): void {
  const g = got.flat();
  const w = want.flat();
  expect(g.length).toBe(w.length);
  g.forEach((x, i) => expect(Math.abs(x - w[i]), `value ${i}: ${x} vs ${w[i]}`).toBeLessThanOrEqual(atol + rtol * Math.abs(w[i])));
}

// torch.save bytes of a PyTorch 1.13 Adam state_dict (see the test that loads it), base64
const ADAM_STATE_DICT_PT =
  'UEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAQABIAYXJjaGl2ZS9kYXRhLnBrbEZCDgBaWlpaWlpaWlpaWlpaWoACfXEAKFgFAAAAc3RhdGVxAX' +
  '1xAihLAH1xAyhYBAAAAHN0ZXBxBGN0b3JjaC5fdXRpbHMKX3JlYnVpbGRfdGVuc29yX3YyCnEFKChYBwAAAHN0b3JhZ2VxBmN0b3JjaApGbG9h' +
  'dFN0b3JhZ2UKcQdYAQAAADBxCFgDAAAAY3B1cQlLAXRxClFLACkpiWNjb2xsZWN0aW9ucwpPcmRlcmVkRGljdApxCylScQx0cQ1ScQ5YBwAAAG' +
  'V4cF9hdmdxD2gFKChoBmgHWAEAAAAxcRBoCUsDdHERUUsASwOFcRJLAYVxE4loCylScRR0cRVScRZYCgAAAGV4cF9hdmdfc3FxF2gFKChoBmgH' +
  'WAEAAAAycRhoCUsDdHEZUUsASwOFcRpLAYVxG4loCylScRx0cR1ScR51SwF9cR8oaARoBSgoaAZoB1gBAAAAM3EgaAlLAXRxIVFLACkpiWgLKV' +
  'JxInRxI1JxJGgPaAUoKGgGaAdYAQAAADRxJWgJSwJ0cSZRSwBLAUsChnEnSwJLAYZxKIloCylScSl0cSpScStoF2gFKChoBmgHWAEAAAA1cSxo' +
  'CUsCdHEtUUsASwFLAoZxLksCSwGGcS+JaAspUnEwdHExUnEyWA4AAABtYXhfZXhwX2F2Z19zcXEzaAUoKGgGaAdYAQAAADZxNGgJSwJ0cTVRSw' +
  'BLAUsChnE2SwJLAYZxN4loCylScTh0cTlScTp1dVgMAAAAcGFyYW1fZ3JvdXBzcTtdcTwofXE9KFgCAAAAbHJxPkc/hHrhR64Ue1gFAAAAYmV0' +
  'YXNxP0c/6ZmZmZmZmkc/764UeuFHroZxQFgDAAAAZXBzcUFHPkV5juIwjDpYDAAAAHdlaWdodF9kZWNheXFCSwBYBwAAAGFtc2dyYWRxQ4lYCA' +
  'AAAG1heGltaXplcUSJWAcAAABmb3JlYWNocUVOWAoAAABjYXB0dXJhYmxlcUaJWA4AAABkaWZmZXJlbnRpYWJsZXFHiVgFAAAAZnVzZWRxSIlY' +
  'BgAAAHBhcmFtc3FJXXFKSwBhdX1xSyhoPkc/qZmZmZmZmmhDiGg/aEBoQUc+RXmO4jCMOmhCSwBoRIloRU5oRoloR4loSIloSV1xTEsBYXVldS' +
  '5QSwcIDXiSzkwDAABMAwAAUEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAOADgAYXJjaGl2ZS9kYXRhLzBGQjQAWlpaWlpaWlpaWlpaWlpaWlpa' +
  'WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWgAAAEBQSwcIjJ6YVwQAAAAEAAAAUEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAOAE' +
  'AAYXJjaGl2ZS9kYXRhLzFGQjwAWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWTk0' +
  'vW4SAzxQjRc+UEsHCOjQdGAMAAAADAAAAFBLAwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAADgA4AGFyY2hpdmUvZGF0YS8yRkI0AFpaWlpaWlpaWl' +
  'paWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlrh8II6qapQOoo7XjtQSwcIc2Dm9gwAAAAMAAAAUEsDBAAACAgAAAAA' +
  'AAAAAAAAAAAAAAAAAAAOADgAYXJjaGl2ZS9kYXRhLzNGQjQAWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWl' +
  'paWlpaWgAAAEBQSwcIjJ6YVwQAAAAEAAAAUEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAOAEAAYXJjaGl2ZS9kYXRhLzRGQjwAWlpaWlpaWlpa' +
  'WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaPgpXPgjXozxQSwcIN2e4uQgAAAAIAAAAUEsDBAAACA' +
  'gAAAAAAAAAAAAAAAAAAAAAAAAOADwAYXJjaGl2ZS9kYXRhLzVGQjgAWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa' +
  'WlpaWlpaWlpaWlpaWloNcSw8UwWjO1BLBwhE5dVLCAAAAAgAAABQSwMEAAAICAAAAAAAAAAAAAAAAAAAAAAAAA4APABhcmNoaXZlL2RhdGEvNk' +
  'ZCOABaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWg1xLDxTBaM7UEsHCETl1UsIAAAACAAA' +
  'AFBLAwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAADwA7AGFyY2hpdmUvdmVyc2lvbkZCNwBaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWl' +
  'paWlpaWlpaWlpaWlpaWlpaWlpaWlpaMwpQSwcI0Z5nVQIAAAACAAAAUEsBAgAAAAAICAAAAAAAAA14ks5MAwAATAMAABAAAAAAAAAAAAAAAAAA' +
  'AAAAAGFyY2hpdmUvZGF0YS5wa2xQSwECAAAAAAgIAAAAAAAAjJ6YVwQAAAAEAAAADgAAAAAAAAAAAAAAAACcAwAAYXJjaGl2ZS9kYXRhLzBQSw' +
  'ECAAAAAAgIAAAAAAAA6NB0YAwAAAAMAAAADgAAAAAAAAAAAAAAAAAUBAAAYXJjaGl2ZS9kYXRhLzFQSwECAAAAAAgIAAAAAAAAc2Dm9gwAAAAM' +
  'AAAADgAAAAAAAAAAAAAAAACcBAAAYXJjaGl2ZS9kYXRhLzJQSwECAAAAAAgIAAAAAAAAjJ6YVwQAAAAEAAAADgAAAAAAAAAAAAAAAAAcBQAAYX' +
  'JjaGl2ZS9kYXRhLzNQSwECAAAAAAgIAAAAAAAAN2e4uQgAAAAIAAAADgAAAAAAAAAAAAAAAACUBQAAYXJjaGl2ZS9kYXRhLzRQSwECAAAAAAgI' +
  'AAAAAAAAROXVSwgAAAAIAAAADgAAAAAAAAAAAAAAAAAYBgAAYXJjaGl2ZS9kYXRhLzVQSwECAAAAAAgIAAAAAAAAROXVSwgAAAAIAAAADgAAAA' +
  'AAAAAAAAAAAACYBgAAYXJjaGl2ZS9kYXRhLzZQSwECAAAAAAgIAAAAAAAA0Z5nVQIAAAACAAAADwAAAAAAAAAAAAAAAAAYBwAAYXJjaGl2ZS92' +
  'ZXJzaW9uUEsGBiwAAAAAAAAAHgMtAAAAAAAAAAAACQAAAAAAAAAJAAAAAAAAAB8CAAAAAAAAkgcAAAAAAABQSwYHAAAAALEJAAAAAAAAAQAAAF' +
  'BLBQYAAAAACQAJAB8CAACSBwAAAAA=';

describe('every optimizer follows PyTorch 1.13 step by step', () => {
  for (const [name, options, expected] of TRAJECTORIES) {
    it(`${name} ${JSON.stringify(options)}`, () => {
      expectNear(trajectory(name, options, expected.length), expected);
    });
  }

  // SGD, Adam and AdamW take the fused kernels for contiguous float parameters: PyTorch's
  // float operations, its fused multiply-adds included, so the results are bit for bit.
  // 37 elements: nine 4-lane vectors and a scalar tail; lr 0.5 / momentum 0.5 make many
  // sums land on float midpoints exactly, which the vector fma must tell from inexact ones.
  //   p = torch.tensor(param0(37)); grads: grad(37, k) * (1 + i / 64); 3 steps
  const EXACT: [string, Options, number[]][] = [
    ['SGD', { lr: 0.5, momentum: 0.5 }, [-0.3333333730697632, -0.7775064706802368, -0.5166015625, 1.5172526836395264, -0.7330729365348816, 1.30322265625, 0.7945963144302368, 1.0559896230697632, 0.5625, -2.2244467735290527, 0.2972005307674408, -2.5380859375, -0.0013020634651184082, 0.5364583134651184, -0.3330078125, 0.24527990818023682, 2.3489584922790527, -0.0791015625, -0.9729818105697632, 1.6707357168197632, -1.328125, 1.3307292461395264, -1.7164714336395264, 0.95751953125, -2.1380209922790527, 0.5511068105697632, 1.40625, -2.8885092735290527, 1.0071614980697632, 0.1806640625, 0.5748698711395264, -0.24918627738952637, 2.546875, -0.7122396230697632, 2.0989584922790527, -1.20849609375, -1.3821614980697632]],
    ['SGD', { lr: 0.03, momentum: 0.9, nesterov: true, weightDecay: 0.01, maximize: true }, [-1.4480483531951904, 0.4535614848136902, -1.0569831132888794, 0.5764789581298828, -0.6621469259262085, 0.9714135527610779, -0.466156929731369, 1.370119333267212, -0.06956779211759567, -1.2201637029647827, 0.3307923972606659, -0.8139159679412842, 0.7349235415458679, -0.8069457411766052, 1.142825722694397, -0.4036247730255127, 1.2243497371673584, 0.0034672259353101254, -1.3612196445465088, 0.1740841567516327, -0.9502580761909485, 0.5829290747642517, -0.5355255603790283, 0.9955450296401978, -0.11702203750610352, 1.411932110786438, -0.16584311425685883, -1.1606698036193848, 0.24973365664482117, -1.1205391883850098, 0.669081449508667, -0.7010929584503174, 0.814325213432312, -0.277875691652298, 1.2354260683059692, 0.14911262691020966, -1.3324620723724365]],
    ['SGD', { lr: 0.1, momentum: 0.8, dampening: 0.25 }, [-1.008583426475525, 0.10380208492279053, -0.7821484804153442, 0.7705690264701843, -0.5628073215484619, 0.9846367239952087, -0.08395835012197495, 1.1916106939315796, 0.1288125067949295, -1.6085091829299927, 0.3344896137714386, -1.4157226085662842, 0.5330729484558105, -0.2759518623352051, 0.7245625257492065, -0.07257162034511566, 1.4573959112167358, 0.1237148568034172, -1.3515912294387817, 0.6290208697319031, -1.1676719188690186, 0.8187370300292969, -0.9908463954925537, 1.001359462738037, -0.8211145401000977, 1.176888108253479, 0.45667967200279236, -1.654677152633667, 0.6370052695274353, -0.855777382850647, 0.8102370500564575, -0.6878190636634827, 1.3420000076293945, -0.5269544720649719, 1.5086615085601807, -0.37318357825279236, -1.331770896911621]],
    ['Adam', { lr: 0.01, weightDecay: 0.1, amsgrad: true }, [-1.3124096393585205, 0.31032586097717285, -0.982705295085907, 0.6653573513031006, -0.6540221571922302, 0.993269145488739, -0.3151998817920685, 1.3205658197402954, 0.011575056239962578, -1.3463717699050903, 0.33846011757850647, -1.0182504653930664, 0.6466780304908752, -0.6466242671012878, 0.9764685034751892, -0.3170846402645111, 1.331281304359436, 0.011470844969153404, -1.3360965251922607, 0.3502543270587921, -1.008498191833496, 0.6770220398902893, -0.6810792088508606, 1.0041992664337158, -0.35251328349113464, 1.3127371072769165, 0.01936860755085945, -1.3547866344451904, 0.34879422187805176, -0.9992714524269104, 0.6772530674934387, -0.6705583333969116, 1.0159927606582642, -0.3430264890193939, 1.3428031206130981, -0.015379764139652252, -1.3256827592849731]],
    ['AdamW', { lr: 0.25, betas: [0.5, 0.75], maximize: true }, [-1.666931390762329, 0.863738477230072, -1.237900972366333, 0.5961027145385742, -0.7947793006896973, 1.0267547369003296, -0.734233558177948, 1.4889848232269287, -0.27080249786376953, -1.019160270690918, 0.1787082999944687, -0.5703775882720947, 0.8609876036643982, -1.0052522420883179, 1.5254175662994385, -0.5762217044830322, 1.2577818632125854, -0.13310009241104126, -1.2891223430633545, -0.07255440205335617, -0.8268921971321106, 0.3908767104148865, -0.3574810028076172, 0.8403875231742859, 0.0913015827536583, 1.5226668119430542, -0.3435729742050171, -0.7904595136642456, 0.08545741438865662, -1.0580952167510986, 0.52857905626297, -0.6274431943893433, 0.5891247987747192, -0.16521303355693817, 1.0525559186935425, 0.3041982054710388, -1.475489616394043]],
  ];
  for (const [name, options, after] of EXACT) {
    it(`${name} ${JSON.stringify(options)} is bit for bit PyTorch's`, () => {
      const n = 37;
      const p = leaf(param0(n));
      const Opt = (torch.optim as unknown as Record<string, new (params: unknown, opts: Options) => torch.optim.Optimizer>)[name];
      const opt = new Opt([p], options);
      for (let k = 0; k < 3; k++) {
        p.grad = f32(grad(n, k).map((g, i) => g * (1 + i / 64)));
        opt.step();
      }
      expect(p.tolist()).toEqual(after);
    });
  }

  it('updates the parameter in place (same tensor, same storage), non-contiguous ones too', () => {
    const base = leaf([[1, 2, 3], [4, 5, 6]]);
    const pt = f32([[1, 4], [2, 5], [3, 6]]).t();
    pt.requiresGrad = true;
    expect(pt.isContiguous()).toBe(false);
    const g = f32([[0.5, -1, 2], [1, 0, -0.5]]);
    for (const p of [base, pt]) {
      const storage = p.untypedStorage();
      const opt = new torch.optim.Adam([p], { lr: 0.1, weightDecay: 0.1 });
      for (let i = 0; i < 3; i++) {
        p.grad = g.clone();
        opt.step();
      }
      expect(p.untypedStorage()).toBe(storage);
    }
    expectClose(pt, base.tolist().flat() as number[], 0, 0);
  });

  it('float64 parameters keep float64 state', () => {
    const p = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
    const opt = new torch.optim.Adam([p], { lr: 0.1 });
    p.grad = torch.tensor([0.5, -0.25], { dtype: torch.float64 });
    opt.step();
    // a first Adam step moves each coordinate by lr * |g| / (|g| + eps) against the gradient
    expectClose(p, [1 - 0.1 * (0.5 / (0.5 + 1e-8)), 2 + 0.1 * (0.25 / (0.25 + 1e-8))], 1e-15, 0);
    expect(opt.state.get(p)!.exp_avg.dtype).toBe(torch.float64);
    expect(opt.state.get(p)!.step.dtype).toBe(torch.float32);
  });

  it('parameters without a gradient are skipped and get no state', () => {
    const a = leaf([1, 2]);
    const b = leaf([3, 4]);
    const opt = new torch.optim.SGD([a, b], { lr: 0.5, momentum: 0.9 });
    a.grad = f32([1, 1]);
    opt.step();
    expect(a.tolist()).toEqual([0.5, 1.5]);
    expect(b.tolist()).toEqual([3, 4]);
    expect(opt.state.has(b)).toBe(false);
    expect(opt.state.get(a)!.momentum_buffer.tolist()).toEqual([1, 1]);
  });

  it('SGD without momentum keeps momentum_buffer None, as PyTorch does', () => {
    const p = leaf([1]);
    const opt = new torch.optim.SGD([p], 0.1);
    p.grad = f32([1]);
    opt.step();
    expect(opt.state.get(p)).toEqual({ momentum_buffer: null });
  });
});

describe('constructor arguments', () => {
  it("takes PyTorch's positional order or an options object (camelCase or snake_case)", () => {
    const p = leaf([1]);
    const a = new torch.optim.SGD([p], 0.1, 0.9, 0.1, 0.01, false);
    const b = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 });
    const c = new torch.optim.SGD([p], 0.1, { momentum: 0.9, dampening: 0.1, weight_decay: 0.01 });
    expect(a.defaults).toEqual(b.defaults);
    expect(c.defaults).toEqual(b.defaults);
    expect(b.defaults).toEqual({
      lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01, nesterov: false, maximize: false, foreach: null, differentiable: false,
    });
    expect(new torch.optim.Adam([p], 0.01, [0.8, 0.9]).defaults.betas).toEqual([0.8, 0.9]);
    expect(new torch.optim.LBFGS([p], { maxIter: 8 }).defaults.maxEval).toBe(10);
  });

  it('accepts any iterable of parameters (a generator, a Set-free list)', () => {
    const ps = [leaf([1]), leaf([2])];
    function* gen() {
      yield* ps;
    }
    expect(new torch.optim.SGD(gen(), 0.1).paramGroups[0].params).toEqual(ps);
  });

  it('has a repr like PyTorch', () => {
    const opt = new torch.optim.Adam([leaf([1])], { lr: 0.01, betas: [0.8, 0.999], eps: 1e-5 });
    expect(String(opt)).toBe(
      'Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.8, 0.999)\n    capturable: False\n    differentiable: False\n' +
        '    eps: 1e-05\n    foreach: None\n    fused: False\n    lr: 0.01\n    maximize: False\n    weight_decay: 0\n)',
    );
  });
});

describe('parameter groups', () => {
  it('fill in the defaults a group does not give; a group option overrides', () => {
    const a = leaf([1, 2]);
    const b = leaf([3]);
    const opt = new torch.optim.SGD([{ params: [a] }, { params: b, lr: 0.5, weight_decay: 0.1 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.length).toBe(2);
    expect(opt.paramGroups[0]).toMatchObject({ lr: 0.1, momentum: 0.9, weightDecay: 0 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, momentum: 0.9, weightDecay: 0.1 });
    expect(opt.paramGroups[1].params).toEqual([b]);
    a.grad = f32([1, 1]);
    b.grad = f32([1]);
    opt.step();
    expectClose(a, [0.9, 1.9]);
    expectClose(b, [3 - 0.5 * (1 + 0.1 * 3)]);
  });

  it('addParamGroup adds parameters later (fine-tuning), with the defaults', () => {
    const a = leaf([1]);
    const b = leaf([2]);
    const opt = new torch.optim.Adam([a], { lr: 0.01 });
    opt.addParamGroup({ params: [b], lr: 0.001 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8 });
    b.grad = f32([1]);
    opt.step();
    expectClose(b, [2 - 0.001]);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow('some parameters appear in more than one parameter group');
    expect(opt.paramGroups.length).toBe(2);
  });

  it('SGD needs an lr from the defaults or from every group', () => {
    const a = leaf([1]);
    const opt = new torch.optim.SGD([{ params: [a], lr: 0.2 }]);
    expect(opt.paramGroups[0].lr).toBe(0.2);
    expect(() => new torch.optim.SGD([a])).toThrow(torch.ValueError);
    expect(() => new torch.optim.SGD([a])).toThrow("parameter group didn't specify a value of required optimization parameter lr");
  });

  it('warns about a parameter listed twice in one group', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const a = leaf([1]);
    new torch.optim.SGD([a, a], 0.1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('optimizer contains a parameter group with duplicate parameters');
  });
});

describe('differentiable', () => {
  it('differentiable: true runs the update under autograd, so a non-leaf parameter stays in the graph', () => {
    // PyTorch 1.13: w = [1, 2] (leaf), p = w * 1, p.retain_grad(), p.grad = [0.5, -1], one step, p.sum().backward()
    const expected: [string, Options, number[]][] = [
      ['SGD', { lr: 0.1, momentum: 0.9 }, [0.949999988079071, 2.0999999046325684]],
      ['Adam', { lr: 0.1 }, [0.9000006914138794, 2.09999942779541]],
      ['RMSprop', { lr: 0.1 }, [2.384185791015625e-7, 3]],
    ];
    for (const [name, options, after] of expected) {
      const w = leaf([1, 2]);
      const p = w.mul(1);
      p.retainGrad();
      const Opt = (torch.optim as unknown as Record<string, new (params: unknown, opts: Options) => torch.optim.Optimizer>)[name];
      const opt = new Opt([p], { ...options, differentiable: true });
      p.grad = f32([0.5, -1]);
      opt.step();
      expect(p.gradFn, name).not.toBeNull();
      expectNear(p.tolist() as number[], after, 0, 0);
      p.sum().backward();
      expect(w.grad!.tolist(), name).toEqual([1, 1]);
    }
  });
});

describe('zeroGrad', () => {
  it('zeroes the gradients in place by default (PyTorch 1.13: set_to_none=False)', () => {
    const p = leaf([1, 2]);
    p.mul(p).sum().backward();
    const g = p.grad!;
    new torch.optim.SGD([p], 0.1).zeroGrad();
    expect(p.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0]);
  });

  it('sets them to null with setToNone, and a later backward makes fresh ones', () => {
    const p = leaf([1, 2]);
    const opt = new torch.optim.SGD([p], 0.1);
    p.mul(p).sum().backward();
    opt.zeroGrad({ setToNone: true });
    expect(p.grad).toBeNull();
    p.mul(3).sum().backward();
    expect(p.grad!.tolist()).toEqual([3, 3]);
  });

  it('detaches a gradient that has a graph', () => {
    const p = leaf([1, 2]);
    torch.autograd.backward([p.mul(p).sum()], undefined, { createGraph: true });
    expect(p.grad!.gradFn).not.toBeNull();
    new torch.optim.SGD([p], 0.1).zeroGrad();
    expect(p.grad!.gradFn).toBeNull();
    expect(p.grad!.requiresGrad).toBe(false);
    expect(p.grad!.tolist()).toEqual([0, 0]);
  });
});

describe('step(closure)', () => {
  it('returns the closure loss, evaluated with grad mode on even inside noGrad', () => {
    const p = leaf([1, -2]);
    const opt = new torch.optim.SGD([p], 0.25);
    let sawGrad = false;
    const closure = () => {
      opt.zeroGrad();
      const loss = p.mul(p).sum();
      sawGrad = loss.requiresGrad;
      loss.backward();
      return loss;
    };
    const loss = torch.noGrad(() => opt.step(closure)) as torch.Tensor;
    expect(sawGrad).toBe(true);
    expect(loss.item()).toBe(5);
    expect(p.tolist()).toEqual([0.5, -1]);
    expect(opt.step()).toBeNull();
  });

  it('runs the update without recording a graph', () => {
    const p = leaf([1]);
    const opt = new torch.optim.Adam([p]);
    p.grad = f32([1]);
    opt.step();
    expect(p.isLeaf).toBe(true);
    expect(p.gradFn).toBeNull();
    expect(opt.state.get(p)!.exp_avg.requiresGrad).toBe(false);
  });
});

describe('LBFGS', () => {
  const rosenbrock = (x: torch.Tensor) => {
    const [a, b] = [x.select(0, 0), x.select(0, 1)];
    return a.rsub(1).pow(2).add(b.sub(a.mul(a)).pow(2).mul(100));
  };
  const quadratic = (x: torch.Tensor) => {
    const A = torch.tensor([[3, 0.5, 0], [0.5, 2, 0.25], [0, 0.25, 1]], { dtype: x.dtype });
    const b = torch.tensor([1, -2, 0.5], { dtype: x.dtype });
    return x.matmul(A).matmul(x).mul(0.5).sub(b.matmul(x));
  };
  function solve(f: (x: torch.Tensor) => torch.Tensor, x0: number[], dtype: torch.DType, options: Options, steps: number) {
    const x = torch.tensor(x0, { dtype, requiresGrad: true });
    const opt = new torch.optim.LBFGS([x], options);
    let evals = 0;
    const closure = () => {
      opt.zeroGrad();
      const loss = f(x);
      loss.backward();
      evals++;
      return loss;
    };
    const out: { loss: number; x: number[]; evals: number; nIter: number }[] = [];
    for (let s = 0; s < steps; s++) {
      const loss = torch.tidy(() => (opt.step(closure) as torch.Tensor).item() as number);
      out.push({ loss, x: x.tolist() as number[], evals, nIter: opt.state.get(x)!.n_iter });
    }
    return { out, opt, x };
  }

  // PyTorch 1.13, same problems, options and starting points
  it('minimises a quadratic without line search (float32 and float64)', () => {
    const { out } = solve(quadratic, [1, 1, 1], torch.float32, { lr: 0.5, maxIter: 6 }, 3);
    expectNear(out.map((o) => o.x), [
      [0.5427347421646118, -1.166483759880066, 0.781442403793335],
      [0.5392876863479614, -1.2349454164505005, 0.8076023459434509],
      [0.5393222570419312, -1.2358962297439575, 0.8088939189910889],
    ], 1e-6);
    expect(out.map((o) => o.evals)).toEqual([6, 12, 17]);
    expect(out.map((o) => o.nIter)).toEqual([6, 12, 16]);
    const r64 = solve(quadratic, [1, 1, 1], torch.float64, { lr: 1, maxIter: 4, historySize: 2 }, 3).out;
    expectNear(r64.map((o) => o.x), [
      [0.5418959986492491, -1.2337526556120877, 0.7704856936154776],
      [0.5393287750297937, -1.2359556648068806, 0.8089731583199923],
      [0.5393287750297937, -1.2359556648068806, 0.8089731583199923],
    ], 1e-12, 0);
    expect(r64.map((o) => o.loss)).toEqual([4.25, expect.closeTo(-1.7071275357419642, 12), expect.closeTo(-1.707865168402806, 12)]);
    expect(r64.map((o) => o.evals)).toEqual([4, 8, 9]);
  });

  it('minimises the Rosenbrock function with the strong Wolfe line search', () => {
    const { out } = solve(rosenbrock, [-1.5, 2], torch.float64, { lineSearchFn: 'strong_wolfe' }, 3);
    expectNear(out.map((o) => o.x), [
      [-0.08511855589860293, -0.028757058413769698],
      [0.9995835472529905, 0.9991550319577943],
      [0.9999979943196398, 0.9999973438921637],
    ], 1e-9, 1e-12);
    expect(out.map((o) => o.evals)).toEqual([25, 50, 53]);
    expect(out.map((o) => o.nIter)).toEqual([19, 38, 41]);
    const f32run = solve(rosenbrock, [-1.5, 2], torch.float32, { lineSearchFn: 'strong_wolfe', maxIter: 10, historySize: 5 }, 1).out;
    expectNear(f32run[0].x, [-1.0358943939208984, 1.0658024549484253], 1e-4);
    expect(f32run[0].evals).toBe(12);
  });

  it('keeps the heap flat across steps when the step runs in tidy', () => {
    const { opt, x } = solve(quadratic, [1, 1, 1], torch.float32, { lr: 0.5, maxIter: 5, historySize: 3 }, 4);
    const closure = () => {
      opt.zeroGrad();
      const loss = quadratic(x);
      loss.backward();
      return loss;
    };
    const before = torch.memory();
    for (let i = 0; i < 20; i++) {
      torch.tidy(() => {
        opt.step(closure);
      });
    }
    const after = torch.memory();
    expect(after.liveTensors).toBe(before.liveTensors);
    expect(after.bytesInUse).toBe(before.bytesInUse);
  });

  it("rejects groups, a missing closure and line searches other than 'strong_wolfe'", () => {
    const a = leaf([1]);
    const b = leaf([2]);
    expect(() => new torch.optim.LBFGS([{ params: [a] }, { params: [b] }])).toThrow("LBFGS doesn't support per-parameter options (parameter groups)");
    expect(() => new torch.optim.LBFGS([a]).step()).toThrow(TypeError);
    const opt = new torch.optim.LBFGS([a], { lineSearchFn: 'backtracking' as never });
    expect(() => opt.step(() => a.sum())).toThrow("only 'strong_wolfe' is supported");
  });
});

describe('stateDict / loadStateDict', () => {
  it("has PyTorch's layout: state by parameter index across groups, snake_case group options, index lists", () => {
    const a = leaf([1, 2]);
    const b = leaf([3]);
    const opt = new torch.optim.Adam([{ params: [a] }, { params: [b], lr: 0.5, amsgrad: true }], { lr: 0.01, weightDecay: 0.1 });
    a.grad = f32([1, 1]);
    b.grad = f32([1]);
    opt.step();
    const sd = opt.stateDict();
    expect(sd.state).toBeInstanceOf(Map);
    expect([...sd.state.keys()]).toEqual([0, 1]);
    expect(Object.keys(sd.state.get(1)!)).toEqual(['step', 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(sd.state.get(0)!.step.item()).toBe(1);
    expect(sd.param_groups).toEqual([
      { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, amsgrad: false, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [0] },
      { lr: 0.5, amsgrad: true, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.1, maximize: false, foreach: null, capturable: false, differentiable: false, fused: false, params: [1] },
    ]);
  });

  it('round trip: a new optimizer loading the state takes the same next step', () => {
    for (const make of [
      (ps: torch.Tensor[]) => new torch.optim.Adam(ps, { lr: 0.05, amsgrad: true }),
      (ps: torch.Tensor[]) => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }),
      (ps: torch.Tensor[]) => new torch.optim.RMSprop(ps, { centered: true, momentum: 0.5 }),
      (ps: torch.Tensor[]) => new torch.optim.NAdam(ps),
      (ps: torch.Tensor[]) => new torch.optim.ASGD(ps, { t0: 1 }),
      (ps: torch.Tensor[]) => new torch.optim.Rprop(ps),
    ]) {
      const p = leaf(param0(4));
      const opt = make([p]);
      for (let k = 0; k < 3; k++) {
        p.grad = f32(grad(4, k));
        opt.step();
      }
      const sd = opt.stateDict();
      const q = leaf(p.tolist() as number[]);
      const opt2 = make([q]);
      opt2.loadStateDict(sd);
      // the loaded state is a copy
      expect(opt2.state.get(q)).not.toBe(opt.state.get(p));
      for (const [k, v] of Object.entries(opt.state.get(p)!)) if (v instanceof torch.Tensor) expect(opt2.state.get(q)![k]).not.toBe(v);
      p.grad = f32(grad(4, 3));
      q.grad = f32(grad(4, 3));
      opt.step();
      opt2.step();
      expect(q.tolist()).toEqual(p.tolist());
    }
  });

  it('round trip through torch.save / torch.load bytes', () => {
    const p = leaf([1, 2, 3]);
    const opt = new torch.optim.Adam([p], { lr: 0.1 });
    p.grad = f32([1, -1, 0.5]);
    opt.step();
    const loaded = torch.load(torch.save(opt.stateDict())) as Record<string, unknown>;
    const q = leaf(p.tolist() as number[]);
    const opt2 = new torch.optim.Adam([q], { lr: 0.3 });
    opt2.loadStateDict(loaded);
    expect(opt2.paramGroups[0].lr).toBe(0.1);
    p.grad = f32([0.5, 0.5, 0.5]);
    q.grad = f32([0.5, 0.5, 0.5]);
    opt.step();
    opt2.step();
    expect(q.tolist()).toEqual(p.tolist());
  });

  it("loads a state_dict written by PyTorch's torch.save and continues as PyTorch does", () => {
    // PyTorch 1.13: Adam([{'params': [p]}, {'params': [q], 'lr': 0.05, 'amsgrad': True}], lr=0.01, betas=(0.8, 0.99)),
    // two steps (p.grad [0.1, -0.2, 0.3] then [-0.3, 0.2, 0.5]; q.grad [[1, -0.5]] then [[0.25, 0.5]]),
    // torch.save(opt.state_dict()), then a third step with p.grad [0.2, 0.1, -0.4], q.grad [[-0.75, 0.125]]
    const bytes = Uint8Array.from(atob(ADAM_STATE_DICT_PT), (c) => c.charCodeAt(0));
    const sd = torch.load(bytes) as Record<string, unknown>;
    const p = leaf([0.4954549968242645, -0.9911110997200012, 1.9800409078598022]);
    const q = leaf([[0.159894660115242, 0.7944444417953491]]);
    const opt = new torch.optim.Adam([{ params: [p] }, { params: [q] }]);
    opt.loadStateDict(sd);
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.05, amsgrad: true, betas: [0.8, 0.99] });
    p.grad = f32([0.2, 0.1, -0.4]);
    q.grad = f32([[-0.75, 0.125]]);
    opt.step();
    expectNear(p.tolist() as number[], [0.4950001537799835, -0.9942397475242615, 1.9781148433685303], 1e-6);
    expectNear(q.tolist() as number[][], [[0.1573854237794876, 0.7842884063720703]], 1e-6);
  });

  it('casts loaded floating state to the parameter dtype, except step', () => {
    const p = torch.tensor([1, 2], { dtype: torch.float64, requiresGrad: true });
    const opt = new torch.optim.Adam([p]);
    opt.loadStateDict({
      state: new Map([[0, { step: f32(3), exp_avg: f32([0.1, 0.2]), exp_avg_sq: f32([0.01, 0.04]) }]]),
      param_groups: [{ lr: 0.001, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, params: [0] }],
    });
    const s = opt.state.get(p)!;
    expect(s.exp_avg.dtype).toBe(torch.float64);
    expect(s.step.dtype).toBe(torch.float32);
    // options missing from an older state_dict take the defaults
    expect(opt.paramGroups[0].maximize).toBe(false);
  });

  it("raises PyTorch's errors for a different group count or group size, changing nothing", () => {
    const a = leaf([1]);
    const b = leaf([2]);
    const opt = new torch.optim.SGD([a, b], 0.1);
    const one = new torch.optim.SGD([{ params: [a] }, { params: [b] }], 0.2).stateDict();
    expect(() => opt.loadStateDict(one)).toThrow(torch.ValueError);
    expect(() => opt.loadStateDict(one)).toThrow('loaded state dict has a different number of parameter groups');
    const small = new torch.optim.SGD([a], 0.3).stateDict();
    expect(() => opt.loadStateDict(small)).toThrow(
      "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
    );
    expect(opt.paramGroups[0].lr).toBe(0.1);
  });
});

describe("errors with PyTorch's messages", () => {
  it('rejects bad parameters', () => {
    const a = leaf([1]);
    const nonLeaf = a.mul(2);
    expect(() => new torch.optim.SGD([nonLeaf], 0.1)).toThrow(torch.ValueError);
    expect(() => new torch.optim.SGD([nonLeaf], 0.1)).toThrow("can't optimize a non-leaf Tensor");
    expect(() => new torch.optim.Adam([{ params: [a] }, { params: [a] }])).toThrow('some parameters appear in more than one parameter group');
    expect(() => new torch.optim.Adam([])).toThrow('optimizer got an empty parameter list');
    expect(() => new torch.optim.Adam(a as never)).toThrow(
      'params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor',
    );
    expect(() => new torch.optim.Adam([a, 1.5] as never)).toThrow('optimizer can only optimize Tensors, but one of the params is float');
    expect(() => new torch.optim.Adam([{ params: new Set([a]) }])).toThrow('optimizer parameters need to be organized in ordered collections');
    // a non-leaf that retains its grad may be optimized, as in PyTorch
    nonLeaf.retainGrad();
    expect(new torch.optim.SGD([nonLeaf], 0.1).paramGroups[0].params[0]).toBe(nonLeaf);
  });

  it('rejects invalid hyper-parameters', () => {
    const ps = [leaf([1])];
    const cases: [() => unknown, string][] = [
      [() => new torch.optim.SGD(ps, -1), 'Invalid learning rate: -1'],
      [() => new torch.optim.SGD(ps, 0.1, -0.5), 'Invalid momentum value: -0.5'],
      [() => new torch.optim.SGD(ps, { lr: 0.1, weightDecay: -1e-5 }), 'Invalid weight_decay value: -1e-05'],
      [() => new torch.optim.SGD(ps, { lr: 0.1, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
      [() => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), 'Nesterov momentum requires a momentum and zero dampening'],
      [() => new torch.optim.Adam(ps, { lr: -0.01 }), 'Invalid learning rate: -0.01'],
      [() => new torch.optim.Adam(ps, { eps: -1 }), 'Invalid epsilon value: -1'],
      [() => new torch.optim.Adam(ps, { betas: [1, 0.999] }), 'Invalid beta parameter at index 0: 1'],
      [() => new torch.optim.AdamW(ps, { betas: [0.9, -0.1] }), 'Invalid beta parameter at index 1: -0.1'],
      [() => new torch.optim.Adam(ps, { lr: NaN }), 'Invalid learning rate: nan'],
      [() => new torch.optim.Adagrad(ps, { lrDecay: -1 }), 'Invalid lr_decay value: -1'],
      [() => new torch.optim.Adagrad(ps, { initialAccumulatorValue: -1 }), 'Invalid initial_accumulator_value value: -1'],
      [() => new torch.optim.RMSprop(ps, { alpha: -0.5 }), 'Invalid alpha value: -0.5'],
      [() => new torch.optim.Adadelta(ps, { rho: 1.5 }), 'Invalid rho value: 1.5'],
      [() => new torch.optim.NAdam(ps, { momentumDecay: -1 }), 'Invalid momentum_decay value: -1'],
      [() => new torch.optim.Rprop(ps, { etas: [1.5, 1.2] }), 'Invalid eta values: 1.5, 1.2'],
      [() => new torch.optim.ASGD(ps, { weightDecay: -1 }), 'Invalid weight_decay value: -1'],
    ];
    for (const [f, msg] of cases) {
      expect(f, msg).toThrow(torch.ValueError);
      expect(f, msg).toThrow(msg);
    }
    expect(() => new torch.optim.Adam(ps, { fused: true })).toThrow('FusedAdam requires all the params to be CUDA, floating point');
    expect(() => new torch.optim.SGD(ps, 0.1, { momentun: 0.9 } as never)).toThrow("SGD() got an unexpected keyword argument 'momentun'");
    expect(() => new torch.optim.SGD(ps, '0.1' as never)).toThrow(TypeError);
  });

  it('a gradient of the wrong shape fails before any parameter moves', () => {
    const a = leaf([1, 2]);
    const b = leaf([3, 4]);
    const opt = new torch.optim.Adam([a, b], { lr: 0.1 });
    a.grad = f32([1, 1]);
    expect(() => (b.grad = f32([1, 1, 1]))).toThrow('assigned grad has data of a different size');
    b.grad = f32([1, 1]);
    b.grad.unsqueeze_(0); // an in-place view op can still change a gradient's shape after assignment
    expect(() => opt.step()).toThrow(torch.RuntimeError);
    expect(a.tolist()).toEqual([1, 2]);
    expect(opt.state.size).toBe(0);
  });
});

describe('memory', () => {
  it('an MLP trained 1000 steps with Adam keeps bytesInUse and liveTensors flat', () => {
    torch.manualSeed(0);
    const params = [torch.randn(32, 16).mul(0.2), torch.zeros(32), torch.randn(4, 32).mul(0.2), torch.zeros(4)];
    params.forEach((p) => (p.requiresGrad = true));
    const [w1, b1, w2, b2] = params;
    const x = torch.randn(64, 16);
    const y = torch.randn(64, 4);
    const opt = new torch.optim.Adam(params, { lr: 3e-3, amsgrad: true, weightDecay: 1e-4 });
    const sched = new torch.optim.lr_scheduler.StepLR(opt, 400, 0.5);
    const step = () =>
      torch.tidy(() => {
        opt.zeroGrad();
        const loss = F.linear(F.relu(F.linear(x, w1, b1)), w2, b2).sub(y).pow(2).mean();
        loss.backward();
        opt.step();
        sched.step();
        return loss.item() as number;
      });
    const first = step();
    const before = torch.memory();
    let last = first;
    for (let i = 0; i < 1000; i++) last = step();
    const after = torch.memory();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.liveTensors).toBe(before.liveTensors);
    expect(last).toBeLessThan(first * 0.5);
  });

  it('every optimizer keeps the heap flat over repeated steps', () => {
    const makers: ((ps: torch.Tensor[]) => torch.optim.Optimizer)[] = [
      (ps) => new torch.optim.SGD(ps, { lr: 0.1, momentum: 0.9, weightDecay: 0.1, maximize: true }),
      (ps) => new torch.optim.AdamW(ps, { amsgrad: true }),
      (ps) => new torch.optim.Adagrad(ps, { weightDecay: 0.1 }),
      (ps) => new torch.optim.RMSprop(ps, { centered: true, momentum: 0.9, weightDecay: 0.1 }),
      (ps) => new torch.optim.Adadelta(ps, { weightDecay: 0.1 }),
      (ps) => new torch.optim.Adamax(ps, { weightDecay: 0.1 }),
      (ps) => new torch.optim.NAdam(ps, { weightDecay: 0.1 }),
      (ps) => new torch.optim.RAdam(ps, { weightDecay: 0.1 }),
      (ps) => new torch.optim.ASGD(ps, { t0: 2, weightDecay: 0.1 }),
      (ps) => new torch.optim.Rprop(ps),
    ];
    for (const make of makers) {
      const p = leaf(param0(6));
      const opt = make([p]);
      p.grad = f32(grad(6, 0));
      opt.step();
      const before = torch.memory();
      for (let k = 1; k < 30; k++) {
        torch.tidy(() => {
          p.grad!.copy_(f32(grad(6, k)));
          opt.step();
        });
      }
      const after = torch.memory();
      expect(after.liveTensors, opt.name).toBe(before.liveTensors);
      expect(after.bytesInUse, opt.name).toBe(before.bytesInUse);
    }
  });
});
