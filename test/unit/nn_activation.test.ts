// nn activation modules and their functional forms: values and gradients recorded from
// PyTorch 1.13, gradcheck (first and second order) in float64, PyTorch's reprs and
// errors, RReLU's training stream bit for bit after manualSeed, in-place forms, and
// that nothing leaks.
import { describe, it, expect, vi, beforeAll, afterAll } from 'vitest';
import { torch, values, expectClose, expectNoLeak } from '../helpers.js';
import { det, gradOf } from './nn_helpers.js';

const nn = torch.nn;
const F = torch.nn.functional;
type Options = Record<string, unknown>;
type Case = [string, unknown[], Options, number[], number[], number[]?];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const make = (cls: string, args: unknown[] = [], options: Options = {}): torch.nn.Module => new (nn as any)[cls](...args, options);

/** An input covering the kinks: 0, +-0.5, +-1, +-3, a saturated tail. */
const X = [-4, -3, -2.5, -1.2, -1, -0.75, -0.5, -0.3, -0.1, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -25];
const G = [-1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51];
// [class, positional args, options, output, input gradient(, weight gradient)] from PyTorch 1.13, in eval mode
const CASES: Case[] = [
  ['ReLU', [], {}, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0]],
  ['ReLU6', [], {}, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 6, 6, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, 0, 0, 0]],
  ['LeakyReLU', [], {}, [-0.04, -0.03, -0.024999999, -0.012, -0.01, -0.0075, -0.005, -0.003, -0.001, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -0.25], [-0.011, 0.0050999997, -0.0041, 0.012, 0.0028, -0.0064, 0.0097, 0.0005, -0.0087, 0.0074, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.0050999997]],
  ['LeakyReLU', [0.2], {}, [-0.8, -0.6, -0.5, -0.24000001, -0.2, -0.15, -0.1, -0.060000002, -0.020000001, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -5], [-0.22000001, 0.102, -0.082, 0.24000001, 0.056, -0.128, 0.194, 0.010000001, -0.17400001, 0.148, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.102]],
  ['PReLU', [], {}, [-1, -0.75, -0.625, -0.3, -0.25, -0.1875, -0.125, -0.075, -0.025, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -6.25], [-0.275, 0.1275, -0.1025, 0.3, 0.07, -0.16, 0.2425, 0.0125, -0.2175, 0.185, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.1275], [-10.508]],
  ['PReLU', [3, 0.1], {}, [-0.4, -0.3, -0.25, -0.120000005, -0.1, -0.075, -0.05, -0.030000001, -0.010000001, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -2.5], [-0.11000001, 0.051, -0.041, 0.120000005, 0.028, -0.064, 0.097, 0.0050000004, -0.087000005, 0.074, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.051], [2.455, -0.3, -12.663]],
  ['RReLU', [], {}, [-0.9166667, -0.6875, -0.5729167, -0.275, -0.22916667, -0.171875, -0.114583336, -0.06875, -0.022916667, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -5.729167], [-0.25208333, 0.116875, -0.09395833, 0.275, 0.064166665, -0.14666666, 0.22229168, 0.011458334, -0.199375, 0.16958334, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.116875]],
  ['RReLU', [0.1, 0.3], {}, [-0.8, -0.6, -0.5, -0.24000001, -0.2, -0.15, -0.1, -0.060000002, -0.020000001, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -5], [-0.22000001, 0.102, -0.082, 0.24000001, 0.056, -0.128, 0.194, 0.010000001, -0.17400001, 0.148, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.102]],
  ['ELU', [], {}, [-0.9816844, -0.95021296, -0.917915, -0.6988058, -0.63212055, -0.5276334, -0.39346933, -0.2591818, -0.09516257, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -1], [-0.020147204, 0.025391404, -0.03365485, 0.36143303, 0.10300624, -0.30231458, 0.58833474, 0.03704091, -0.78720856, 0.74, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 7.0828512e-12]],
  ['ELU', [0.5], {}, [-0.4908422, -0.47510648, -0.4589575, -0.3494029, -0.31606027, -0.2638167, -0.19673467, -0.1295909, -0.047581285, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -0.5], [-0.010073602, 0.012695702, -0.016827425, 0.18071651, 0.05150312, -0.15115729, 0.29416737, 0.018520456, -0.39360428, 0.37, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 3.5414256e-12]],
  ['CELU', [], {}, [-0.9816844, -0.95021296, -0.917915, -0.6988058, -0.63212055, -0.5276334, -0.39346933, -0.2591818, -0.09516257, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -1], [-0.020147204, 0.025391404, -0.03365485, 0.36143303, 0.10300624, -0.30231458, 0.58833474, 0.03704091, -0.78720856, 0.74, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 7.0828512e-12]],
  ['CELU', [], { alpha: 2.5 }, [-1.9952586, -1.7470145, -1.5803014, -0.9530416, -0.8241999, -0.64795446, -0.45317307, -0.28269887, -0.098026395, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -2.4998865], [-0.22208618, 0.15360904, -0.15083058, 0.74254006, 0.18768962, -0.4741237, 0.7941689, 0.044346027, -0.8358869, 0.74, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 2.3153965e-05]],
  ['SELU', [], {}, [-1.7258986, -1.6705687, -1.6137857, -1.22857, -1.1113307, -0.927632, -0.69175816, -0.45566735, -0.16730525, 0, 0.10507011, 0.26267526, 0.5253505, 0.7354907, 1.050701, 1.5760515, 2.101402, 2.6267526, 3.152103, 3.6774535, 5.253505, 7.354907, 26.267525, -1.7580993], [-0.035420787, 0.044640608, -0.05916857, 0.63543516, 0.18109521, -0.5314991, 1.0343509, 0.0651216, -1.3839908, 1.3009936, -0.1891262, -1.1557711, 0.5358575, -0.4307874, 1.2608413, 0.29419628, -0.67244864, 1.01918, 0.052535053, -0.9141099, 0.77751875, -0.1891262, -1.1557711, 1.2452356e-11]],
  ['GELU', [], {}, [-0.00012671947, -0.0040498674, -0.015524179, -0.13808367, -0.15865529, -0.16997047, -0.15426879, -0.11462659, -0.04601721, 0, 0.05398279, 0.14967656, 0.3457312, 0.53062546, 0.8413447, 1.3997891, 1.9545, 2.4844759, 2.9959502, 3.4991856, 4.9999986, 7, 25, 0], [0.0005539924, -0.0060922587, 0.015420537, -0.14154422, -0.023328321, -0.000495491, 0.12852977, 0.013383614, -0.36581483, 0.37, -0.10431417, -0.76491064, 0.44242248, -0.40041178, 1.2999785, 0.31569138, -0.6945484, 1.0064827, 0.05059728, -0.8724549, 0.7400053, -0.18, -1.1, 0]],
  ['GELU', ['tanh'], {}, [-7.021427e-05, -0.003637433, -0.015084296, -0.1382972, -0.158808, -0.17003945, -0.154286, -0.11462908, -0.04601725, 0, 0.053982753, 0.14967535, 0.345714, 0.53057015, 0.841192, 1.3995715, 1.9545977, 2.4849157, 2.9963627, 3.4993837, 4.9999995, 7, 25, -0], [0.0003684693, -0.0059079914, 0.015560177, -0.14127135, -0.023229945, -0.0006795311, 0.12865122, 0.013385228, -0.36581603, 0.37, -0.104313925, -0.76488954, 0.44235864, -0.40030646, 1.299557, 0.31575903, -0.6951035, 1.0068132, 0.050579216, -0.87210757, 0.7400015, -0.18, -1.1, 0]],
  ['SiLU', [], {}, [-0.07194484, -0.14227761, -0.18964545, -0.27777028, -0.26894143, -0.24061596, -0.18877034, -0.12766725, -0.04750208, 0, 0.05249792, 0.14054413, 0.31122968, 0.46773142, 0.7310586, 1.2263616, 1.761594, 2.3103545, 2.8577225, 3.3974073, 4.9665356, 6.993623, 25, -3.4719858e-10], [0.057931077, -0.04493309, 0.040754456, 0.021602262, 0.020252256, -0.10073603, 0.25223765, 0.017610999, -0.3915724, 0.37, -0.098985024, -0.68608105, 0.37738022, -0.33758858, 1.1132046, 0.29156238, -0.69810194, 1.0664191, 0.054405205, -0.9311379, 0.7596451, -0.18098284, -1.1, -1.6998841e-10]],
  ['Mish', [], {}, [-0.072591744, -0.14564747, -0.1968162, -0.30883577, -0.30340147, -0.2764947, -0.22074378, -0.15113316, -0.056788575, 0, 0.063179426, 0.16957241, 0.3752452, 0.56114835, 0.86509836, 1.4033782, 1.943959, 2.4713924, 2.986535, 3.493991, 4.9995522, 6.9999886, 25, -3.471986e-10], [0.05915053, -0.047630493, 0.044994857, -0.0024105706, 0.016580693, -0.102877274, 0.28082535, 0.020425541, -0.46606147, 0.44400004, -0.11940064, -0.82958996, 0.4520764, -0.3972059, 1.2588435, 0.30477664, -0.6843635, 1.0098957, 0.05105535, -0.8786471, 0.7405922, -0.18000391, -1.1, -1.6998841e-10]],
  ['Hardswish', [], {}, [-0, -0, -0.20833333, -0.36, -0.33333334, -0.28125, -0.20833333, -0.135, -0.048333336, 0, 0.051666666, 0.13541667, 0.29166666, 0.43166664, 0.6666667, 1.125, 1.6666666, 2.2916667, 3, 3.5, 5, 7, 25, -0], [0, -0.255, 0.13666666, 0.12, 0.046666663, -0.16, 0.32333332, 0.020000001, -0.40600002, 0.37, -0.09600001, -0.64166665, 0.34, -0.30066666, 1.0000001, 0.28, -0.7466667, 1.2933333, 0.075, -0.87, 0.74, -0.18, -1.1, 0]],
  ['Hardsigmoid', [], {}, [0, 0, 0.083333336, 0.29999998, 0.33333334, 0.375, 0.41666666, 0.45000002, 0.48333335, 0.5, 0.51666665, 0.5416667, 0.5833333, 0.6166667, 0.6666667, 0.75, 0.8333333, 0.9166667, 1, 1, 1, 1, 1, 0], [0, 0, -0.068333335, 0.20000002, 0.046666667, -0.10666667, 0.16166668, 0.008333334, -0.14500001, 0.123333335, -0.030000001, -0.18333334, 0.085, -0.068333335, 0.20000002, 0.046666667, -0.10666667, 0.16166668, 0, 0, 0, 0, 0, 0]],
  ['Hardtanh', [], {}, [-1, -1, -1, -1, -1, -0.75, -0.5, -0.3, -0.1, 0, 0.1, 0.25, 0.5, 0.7, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1], [0, 0, 0, 0, 0, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51, -0.41, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
  ['Hardtanh', [-0.5, 2.5], {}, [-0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.3, -0.1, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, -0.5], [0, 0, 0, 0, 0, 0, 0, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0, 0, 0, 0, 0, 0, 0]],
  ['Hardshrink', [], {}, [-4, -3, -2.5, -1.2, -1, -0.75, 0, 0, 0, 0, 0, 0, 0, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -25], [-1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0, 0, 0, 0, 0, 0, 0, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51]],
  ['Hardshrink', [1], {}, [-4, -3, -2.5, -1.2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -25], [-1.1, 0.51, -0.41, 1.2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51]],
  ['Softshrink', [], {}, [-3.5, -2.5, -2, -0.70000005, -0.5, -0.25, 0, 0, 0, 0, 0, 0, 0, 0.19999999, 0.5, 1, 1.5, 2, 2.5, 3, 4.5, 6.5, 24.5, -24.5], [-1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0, 0, 0, 0, 0, 0, 0, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51]],
  ['Softshrink', [0.25], {}, [-3.75, -2.75, -2.25, -0.95000005, -0.75, -0.5, -0.25, -0.050000012, 0, 0, 0, 0, 0.25, 0.45, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 4.75, 6.75, 24.75, -24.75], [-1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, 0, 0, 0, 0, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51]],
  ['Tanhshrink', [], {}, [-3.0006707, -2.0049453, -1.5133858, -0.3663454, -0.23840582, -0.11485106, -0.037882835, -0.008687377, -0.00033200532, 0, 0.00033200532, 0.0050813407, 0.037882835, 0.095632195, 0.23840582, 0.59485173, 1.0359724, 1.5133858, 2.0049453, 2.501822, 4.0000906, 6.000002, 24, -24], [-1.098525, 0.50496835, -0.39909717, 0.8339761, 0.16240719, -0.2581851, 0.20714575, 0.004243154, -0.008642316, 0, -0.0017880648, -0.06598365, 0.10891166, -0.14975676, 0.69603086, 0.22940215, -0.5947835, 0.9442055, 0.0495067, -0.86683244, 0.73986566, -0.17999941, -1.1, 0.51]],
  ['Softplus', [], {}, [0.01814993, 0.048587352, 0.078889735, 0.26328245, 0.3132617, 0.386871, 0.474077, 0.5543552, 0.64439666, 0.6931472, 0.7443967, 0.8259394, 0.974077, 1.103186, 1.3132616, 1.7014133, 2.126928, 2.5788898, 3.0485873, 3.5297503, 5.0067153, 7.0009117, 25, 1.3887944e-11], [-0.019784832, 0.024187194, -0.031101855, 0.27777025, 0.0753036, -0.20532562, 0.36621445, 0.021277875, -0.41326812, 0.37, -0.09449626, -0.6183942, 0.31745425, -0.27395698, 0.87727034, 0.22892085, -0.5637101, 0.89641756, 0.04762871, -0.8444984, 0.73504734, -0.17983602, -1.1, 7.0828512e-12]],
  ['Softplus', [2, 3], {}, [0.00016770318, 0.0012378426, 0.0033576742, 0.043418072, 0.06346401, 0.100706644, 0.15663084, 0.21874397, 0.29906943, 0.3465736, 0.39906943, 0.4870385, 0.6566308, 0.81020874, 1.063464, 1.5242937, 2, 2.5, 3, 3.5, 5, 7, 25, 9.6437495e-23], [-0.00036888514, 0.0012610379, -0.0027440689, 0.09980723, 0.033376817, -0.11675233, 0.2608732, 0.017717184, -0.39164442, 0.37, -0.09897013, -0.68470526, 0.37283987, -0.3288954, 1.0569565, 0.26672077, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 9.836624e-23]],
  ['Softsign', [], {}, [-0.8, -0.75, -0.71428573, -0.54545456, -0.5, -0.42857143, -0.33333334, -0.23076925, -0.09090909, 0, 0.09090909, 0.2, 0.33333334, 0.41176468, 0.5, 0.6, 0.6666667, 0.71428573, 0.75, 0.7777778, 0.8333333, 0.875, 0.96153843, -0.96153843], [-0.044, 0.031875, -0.033469386, 0.2479339, 0.07, -0.20897959, 0.43111116, 0.0295858, -0.7190082, 0.74, -0.14876033, -0.704, 0.22666667, -0.1418685, 0.3, 0.0448, -0.0711111, 0.07918365, 0.0031249998, -0.042962953, 0.020555563, -0.002812501, -0.0016272217, 0.00075443834]],
  ['Sigmoid', [], {}, [0.01798621, 0.047425874, 0.075858176, 0.23147522, 0.26894143, 0.3208213, 0.37754068, 0.4255575, 0.4750208, 0.5, 0.5249792, 0.5621765, 0.62245935, 0.66818774, 0.7310586, 0.81757444, 0.880797, 0.9241418, 0.95257413, 0.97068775, 0.9933072, 0.999089, 1, 1.3887943e-11], [-0.019428978, 0.023040097, -0.028742522, 0.21347333, 0.05505134, -0.1394528, 0.2279536, 0.012222916, -0.21695717, 0.185, -0.044887688, -0.27074748, 0.11985189, -0.090902284, 0.23593433, 0.041761015, -0.067195915, 0.06800061, 0.0022588326, -0.02475415, 0.0049195443, -0.00016383015, -0, 7.082851e-12]],
  ['LogSigmoid', [], {}, [-4.01815, -3.0485873, -2.5788898, -1.4632825, -1.3132617, -1.136871, -0.974077, -0.8543552, -0.7443967, -0.6931472, -0.64439666, -0.5759394, -0.474077, -0.40318605, -0.3132617, -0.20141329, -0.12692802, -0.078889735, -0.048587352, -0.029750418, -0.0067153485, -0.0009114665, -1.3887944e-11, -25], [-1.0802152, 0.4858128, -0.37889814, 0.92222977, 0.2046964, -0.43467438, 0.6037855, 0.028722126, -0.4567319, 0.37, -0.08550375, -0.48160586, 0.19254574, -0.136043, 0.32272974, 0.051079143, -0.07628987, 0.07358243, 0.0023712937, -0.02550164, 0.0049527097, -0.00016398923, -1.5276738e-11, 0.51]],
  ['Tanh', [], {}, [-0.9993293, -0.9950548, -0.9866143, -0.83365464, -0.7615942, -0.63514894, -0.46211717, -0.29131263, -0.099667996, 0, 0.099667996, 0.24491866, 0.46211717, 0.6043678, 0.7615942, 0.90514827, 0.9640276, 0.9866143, 0.9950548, 0.9981779, 0.9999092, 0.99999833, 1, -1], [-0.0014749825, 0.0050316504, -0.010902822, 0.36602396, 0.117592804, -0.3818149, 0.7628543, 0.045756847, -0.8613577, 0.74, -0.17821194, -1.0340164, 0.40108833, -0.26024324, 0.5039692, 0.050597854, -0.04521652, 0.025794482, 0.0004932991, -0.00316759, 0.00013434516, -6.0081436e-07, -0, 0]],
  ['Threshold', [0.1, 20], {}, [20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, 20], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0]],
  ['Threshold', [], { threshold: -1, value: -7 }, [-7, -7, -7, -7, -7, -0.75, -0.5, -0.3, -0.1, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -7], [0, 0, 0, 0, 0, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0.51, -0.41, 1.2, 0.28, -0.64, 0.97, 0.05, -0.87, 0.74, -0.18, -1.1, 0]],
  ['GLU', [], {}, [-0.3034327, -0.69442564, -0.37754068, -0.31916812, -0.05249792, 0, 0.3655293, 0.5723021, 1.9051483, 2.4267194, 5, 9.72156e-11], [-0.08344399, 0.118052356, 0.30845633, -0.27217847, -0.15479168, 0.510669, 0.09635152, -0.2200125, 0.14699417, -0.35979298, -0.0069825295, -0, 0.7091269, 0.040878724, 0.095356785, 0.0052201264, -0.8287395, 0.7183089, -0.07860738, 0.052638136, -0.18, -1.5276738e-11, -0, -1.0693716e-10]],
  ['GLU', [0], {}, [-2.4898374, -2.0045633, -1.8276465, -0.98108935, -0.880797, -0.69310635, -0.47628707, -0.29120633, -0.099330716, 0, 0.1, 3.4719857e-12], [-0.6847053, 0.34077573, -0.29973403, 0.98108935, 0.24662317, -0.59145075, 0.9239969, 0.04853439, -0.8641772, 0.7393259, -0.18, -1.5276738e-11, 1.0340164, -0.3392207, 0.20152722, -0.21477093, -0.029398216, 0.033649784, -0.021910679, -0.0004267957, 0.0005783789, 0, -0, -3.8191846e-12]],
  ['Softmax', [1], {}, [0.014186813, 0.032708306, 0.045760743, 0.1294881, 0.28494978, 0.31032777, 0.33812866, 0.3184893, 0.7008634, 0.65696394, 0.61611056, 0.5520226, 0.010471334, 0.0018128367, 3.7751344e-11, 0.11920292, 0.046929263, 0.010967025, 2.789468e-10, 0.880797, 0.9425994, 0.98722017, 1, 3.6938828e-13], [-0.007865584, 0.0067305584, -0.027837312, 0.21183148, 0.2352462, -0.29301918, 0.26092613, 0.15475863, -0.2273806, 0.28628862, -0.2330888, -0.3665901, -0.0017050391, -0.0004390602, 8.68281e-11, 0.12074261, -0.06161011, 0.012478334, 3.207888e-10, -0.120742664, 0.06331515, -0.012039274, 0, 4.591188e-13]],
  ['Softmax', [], {}, [0.010986943, 0.024127021, 0.02931223, 0.06297335, 0.047425874, 0.037326884, 0.02931223, 0.021881273, 0.006059802, 0.00091105123, 1.5348557e-11, 1, 0.9890131, 0.975873, 0.97068775, 0.9370266, 0.95257413, 0.96267307, 0.97068775, 0.97811866, 0.99394023, 0.999089, 1, 1.0815942e-11], [-0.01749463, 0.021661315, -0.04580937, 0.054287095, 0.041562527, -0.057853073, 0.026176782, 0.019690285, -0.009697161, 0.0008374035, 1.4120673e-11, 0, 0.017494613, -0.021661315, 0.04580937, -0.054287083, -0.041562516, 0.057853114, -0.026176782, -0.019690324, 0.009697147, -0.00083739695, 0, 1.7413666e-11]],
  ['Softmin', [-1], {}, [0.60539293, 0.22271162, 0.13508143, 0.036813986, 0.34699127, 0.2702371, 0.21046084, 0.17231077, 0.29169348, 0.26393518, 0.23881842, 0.20555292, 0.3580199, 0.2931219, 0.21715005, 0.13170816, 0.45505422, 0.27600434, 0.1674051, 0.101536326, 9.357623e-14, 1.2664166e-14, 1.9287499e-22, 1], [0.32475945, -0.2390934, -0.020742558, -0.064923525, -0.04963072, 0.20996566, -0.17532054, 0.01498559, 0.15822713, -0.28176582, -0.03523929, 0.15877795, -0.05375005, 0.22566532, -0.1824346, 0.010519337, 0.24414714, -0.2962843, -0.025692804, 0.07782995, -2.1522535e-14, 8.738274e-15, 3.1052875e-22, -0]],
  ['Softmin', [], {}, [0.9890131, 0.975873, 0.97068775, 0.9370266, 0.95257413, 0.96267307, 0.97068775, 0.97811866, 0.99394023, 0.999089, 1, 1.0815942e-11, 0.010986943, 0.024127021, 0.02931223, 0.06297335, 0.047425874, 0.037326884, 0.02931223, 0.021881273, 0.006059802, 0.00091105123, 1.5348557e-11, 1], [0.017494641, -0.021661315, 0.04580937, -0.054287195, -0.041562516, 0.057853114, -0.026176816, -0.019690286, 0.009697087, -0.0008373374, -0, 1.7413666e-11, -0.01749463, 0.021661315, -0.04580937, 0.054287087, 0.041562527, -0.057853073, 0.02617678, 0.019690285, -0.009697161, 0.0008374036, 1.4120673e-11, -0]],
  ['LogSoftmax', [2], {}, [-3.2045584, -2.2045584, -1.7045585, -0.40455854, -1.7828028, -1.5328028, -1.2828028, -1.0828028, -1.5572265, -1.4572265, -1.3572265, -1.2072265, -1.8853114, -1.6853113, -1.3853114, -0.88531137, -2.2873387, -1.7873387, -1.2873387, -0.7873387, -20, -18, 0, -50], [-1.1081154, 0.48794013, -0.44637054, 1.0665457, 0.16901034, -0.78251356, 0.787009, -0.17350574, -0.5728852, 1.0683626, 0.18289684, -0.67837405, 0.27018476, -0.702911, 0.80461156, -0.3718854, -0.5902472, 1.0520285, 0.1852421, -0.64702344, 0.74, -0.18, -1.0699999, 0.51]],
  ['LogSoftmax', [], {}, [-4.511048, -3.724423, -3.5297503, -2.7650437, -3.0485873, -3.2880414, -3.5297503, -3.8221242, -5.106078, -7.000911, -24.9, 0, -0.011047743, -0.024422849, -0.029750416, -0.0650436, -0.04858733, -0.038041413, -0.029750416, -0.022124259, -0.0060782107, -0.00091141637, 0, -25.25], [-1.0935178, 0.5075873, -0.43315667, 1.1067995, 0.2970733, -0.6523179, 0.94010156, 0.06794264, -0.8692122, 0.7394898, -0.18, -0.51, 1.0935178, -0.5075873, 0.43315664, -1.1067994, -0.2970733, 0.6523179, -0.9401015, -0.06794271, 0.8692122, -0.73948985, 0.17999995, 0.51]],
  ['Softmax2d', [], {}, [0.010986943, 0.024127021, 0.02931223, 0.06297335, 0.047425874, 0.037326884, 0.02931223, 0.021881273, 0.006059802, 0.00091105123, 1.5348557e-11, 1, 0.9890131, 0.975873, 0.97068775, 0.9370266, 0.95257413, 0.96267307, 0.97068775, 0.97811866, 0.99394023, 0.999089, 1, 1.0815942e-11], [-0.01749463, 0.021661315, -0.04580937, 0.054287095, 0.041562527, -0.057853073, 0.026176782, 0.019690285, -0.009697161, 0.0008374035, 1.4120673e-11, 0, 0.017494613, -0.021661315, 0.04580937, -0.054287083, -0.041562516, 0.057853114, -0.026176782, -0.019690324, 0.009697147, -0.00083739695, 0, 1.7413666e-11]],
];

describe('activation modules: values and gradients as PyTorch computes them', () => {
  // the first implicit-dim calls in this process: their warnings are checked at the end
  let warn: ReturnType<typeof vi.spyOn>;
  beforeAll(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterAll(() => {
    warn.mockRestore();
  });
  for (const [cls, args, options, out, grad, weightGrad] of CASES) {
    it(`${cls}(${[...args.map((a) => JSON.stringify(a)), ...(Object.keys(options).length ? [JSON.stringify(options)] : [])].join(', ')})`, () => {
      const m = make(cls, args, options).eval();
      const x = torch.tensor(X, { dtype: torch.float32 }).reshape([2, 3, 4]).requiresGrad_();
      const y = m(x) as torch.Tensor;
      expectClose(y, out, 1e-5, 1e-6);
      y.backward(torch.tensor(G.slice(0, y.numel()), { dtype: torch.float32 }).reshape(y.shape));
      expectClose(x.grad!, grad, 1e-5, 1e-6);
      if (weightGrad) expectClose(m.getParameter('weight').grad!, weightGrad, 1e-5, 1e-5);
    });
  }

  it('Softmax(), Softmin(), LogSoftmax() warned PyTorch\'s deprecation of the implicit dim, once each', () => {
    for (const name of ['softmax', 'softmin', 'log_softmax']) {
      const message = `Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`;
      expect(warn.mock.calls.filter((c) => c[0] === message).length, name).toBe(1);
    }
    new nn.Softmax()(torch.zeros(3));
    expect(warn.mock.calls.length).toBe(3);
  });

  it('takes non-contiguous input (a transposed view gives the transposed result)', () => {
    for (const [cls, args, options] of CASES) {
      if (cls === 'GLU' || cls.startsWith('Soft') || cls.startsWith('LogSoft') || cls === 'PReLU') continue;
      const m = make(cls, args, options).eval();
      const base = torch.tensor(X, { dtype: torch.float32 }).reshape([4, 6]);
      const viaView = m(base.t()) as torch.Tensor;
      const viaCopy = m(base.t().contiguous()) as torch.Tensor;
      expect(values(viaView), cls).toEqual(values(viaCopy));
    }
  });

  it('passes empty and 0-d tensors through', () => {
    for (const cls of ['ReLU', 'ELU', 'GELU', 'Hardswish', 'Softplus', 'Softsign', 'Tanhshrink', 'PReLU', 'RReLU', 'Threshold']) {
      const m = cls === 'Threshold' ? make(cls, [0.1, 20]) : make(cls);
      expect((m(torch.zeros([0, 3])) as torch.Tensor).shape, cls).toEqual([0, 3]);
      expect((m(torch.tensor(-2, { dtype: torch.float32 })) as torch.Tensor).shape, cls).toEqual([]);
    }
    expectClose(new nn.PReLU()(torch.tensor(-2, { dtype: torch.float32 })), -0.5);
    expect(new nn.GLU()(torch.zeros([0, 2])).shape).toEqual([0, 1]);
  });

  it('keeps float64 in float64', () => {
    const x = torch.tensor([-3, -0.5, 0.5, 3], { dtype: torch.float64 });
    const y = new nn.ELU(0.5)(x);
    expect(y.dtype).toBe(torch.float64);
    // PyTorch 1.13: nn.ELU(0.5)(torch.tensor([-3., -.5, .5, 3.], dtype=torch.float64))
    expectClose(y, [-0.4751064658160681, -0.19673467014368328, 0.5, 3], 1e-12, 1e-15);
  });
});

describe('activation modules: gradcheck in float64', () => {
  // Values in [-2.5, 2.5) away from the kinks of the settings below (finite differences would straddle them).
  const input = (shape: number[], seed: number): torch.Tensor =>
    torch.tidy(() => {
      const v = det(shape, seed).mul(2.5);
      const nearKink = [0, 0.1, 0.5, -0.5, 1, -1, -1.5, 2, -2, 2.5, 3, -3].map((k) => v.sub(k).abs().lt(1e-3)).reduce((a, b) => a.logicalOr(b));
      return torch.where(nearKink, v.add(0.01), v).requiresGrad_();
    });
  const settings: [string, unknown[], Options?][] = [
    ['ReLU', []], ['ReLU6', []], ['LeakyReLU', [0.2]], ['RReLU', [0.1, 0.3]], ['ELU', [0.5]], ['CELU', [1.5]], ['SELU', []],
    ['GELU', []], ['GELU', ['tanh']], ['SiLU', []], ['Mish', []], ['Hardswish', []], ['Hardsigmoid', []], ['Hardtanh', [-1.5, 2.5]],
    ['Hardshrink', []], ['Softshrink', []], ['Tanhshrink', []], ['Softplus', [2, 3]], ['Softsign', []], ['Sigmoid', []],
    ['LogSigmoid', []], ['Tanh', []], ['Threshold', [0.1, 20]], ['GLU', [1]], ['Softmax', [1]], ['Softmin', [0]], ['LogSoftmax', [-1]],
    ['Softmax2d', []],
  ];
  for (const [cls, args, options] of settings) {
    it(`${cls}: first and second derivatives`, () => {
      const m = make(cls, args, options).eval();
      const x = input([2, 4, 3], 3);
      expect(torch.autograd.gradcheck((t) => m(t) as torch.Tensor, [x])).toBe(true);
      expect(torch.autograd.gradcheck(gradOf((t) => m(t) as torch.Tensor, 1), [x])).toBe(true);
    });
  }

  it('PReLU: input and per-channel weight', () => {
    const m = new nn.PReLU(4, 0.3, { dtype: torch.float64 });
    const x = input([2, 4, 3], 5);
    const w = torch.tensor([0.3, -0.2, 1.5, 0.1], { dtype: torch.float64, requiresGrad: true });
    expect(torch.autograd.gradcheck((t, wt) => F.prelu(t, wt), [x, w])).toBe(true);
    expect(torch.autograd.gradcheck(gradOf((t, wt) => F.prelu(t, wt), 2), [x, w])).toBe(true);
    expect(torch.autograd.gradcheck((t) => m(t), [x])).toBe(true);
  });

  it('RReLU in training: the gradient of its drawn slopes', () => {
    const m = new nn.RReLU(0.1, 0.3);
    const x = input([3, 5], 9);
    // the same slopes at every evaluation
    const f = (t: torch.Tensor): torch.Tensor => {
      torch.manualSeed(3);
      return m(t);
    };
    expect(torch.autograd.gradcheck(f, [x])).toBe(true);
    expect(torch.autograd.gradcheck(gradOf(f, 1), [x])).toBe(true);
  });
});

describe('RReLU: the training stream of PyTorch bit for bit', () => {
  const x = (): torch.Tensor => torch.tensor(X, { dtype: torch.float32 }).reshape([2, 3, 4]);
  // PyTorch 1.13: torch.manual_seed(s); m = nn.RReLU(); x = X.view(2, 3, 4).transpose(1, 2); m(x); m(x)
  const streams: [number, number[], number[], number[], number][] = [
    [
      0,
      [-1.3083775043487549, -0.27246248722076416, -0.02207047864794731, -0.9504673480987549, -0.194535031914711, 0, -0.40552404522895813, -0.09907371550798416, 0.10000000149011612, -0.2953352630138397, -0.05551474541425705, 0.25, 0.5, 2, 5, 0.699999988079071, 2.5, 7, 1, 3, 25, 1.5, 3.5, -5.483692169189453],
      [-0.6473329663276672, -0.19901391863822937, -0.02545635960996151, -0.6761552691459656, -0.16262507438659668, 0],
      [0.3270943760871887, 0.27246248722076416, 0.22070477902889252, 0.31682243943214417, 0.259380042552948, 0.2898224890232086, 0.162209615111351, 0.19814743101596832, 1, 0.24611270427703857, 0.1850491464138031, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.21934768557548523],
      0.13871687650680542,
    ],
    [
      1234,
      [-0.6931951642036438, -0.1414070576429367, -0.02221679501235485, -0.6339871883392334, -0.15475772321224213, 0, -0.4160437285900116, -0.08689716458320618, 0.10000000149011612, -0.21734993159770966, -0.09437792003154755, 0.25, 0.5, 2, 5, 0.699999988079071, 2.5, 7, 1, 3, 25, 1.5, 3.5, -7.342609882354736],
      [-0.53168123960495, -0.27751848101615906, -0.02528632991015911, -0.5459717512130737, -0.14528053998947144, 0],
      [0.17329879105091095, 0.1414070576429367, 0.2221679538488388, 0.21132905781269073, 0.2063436359167099, 0.18118007481098175, 0.16641749441623688, 0.17379432916641235, 1, 0.18112494051456451, 0.31459304690361023, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.29370439052581787],
      0.29759663343429565,
    ],
  ];
  for (const [seed, first, second, grad, nextRand] of streams) {
    it(`seed ${seed}: two calls on a transposed input, the gradient (the slopes), the generator after`, () => {
      torch.manualSeed(seed);
      const m = new nn.RReLU();
      const input = x().transpose(1, 2).requiresGrad_();
      const y = m(input);
      expect(values(y)).toEqual(first);
      expect(values(m(input)).slice(0, 6)).toEqual(second);
      y.sum().backward();
      expect(values(input.grad!)).toEqual(grad);
      // one double (two 32-bit draws) per element x <= 0, no more
      expect(torch.rand(1).item()).toBe(nextRand);
    });
  }

  it('torch.rrelu_ with a generator, in float64', () => {
    const g = new torch.Generator().manualSeed(42);
    const t = torch.tensor(X, { dtype: torch.float64 });
    expect(F.rrelu_(t, 0.1, 0.3, true, { generator: g })).toBe(t);
    expect(values(t)).toEqual([
      -0.4465235887691438, -0.33774610045474657, -0.3117930363872045, -0.1326192394466585, -0.20523437937095235, -0.14651771306812195,
      -0.14552357002491417, -0.08572515488744577, -0.011670867375057358, 0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -3.285267487553541,
    ]);
  });

  it('bfloat16: the product in float, the gradient with the bfloat16 slope', () => {
    torch.manualSeed(5);
    const t = torch.tensor(X, { dtype: torch.bfloat16 }).requiresGrad_();
    const y = F.rrelu(t, 0.1, 0.3, { training: true });
    y.backward(torch.full([24], 3, { dtype: torch.bfloat16 }));
    expect(y.dtype).toBe(torch.bfloat16);
    expect(values(y)).toEqual([
      -0.9140625, -0.45703125, -0.431640625, -0.1962890625, -0.1533203125, -0.203125, -0.1083984375, -0.0732421875, -0.0269775390625, 0,
      0.10009765625, 0.25, 0.5, 0.69921875, 1, 1.5, 2, 2.5, 3, 3.5, 5, 7, 25, -4.3125,
    ]);
    expect(values(t.grad!)).toEqual([
      0.6875, 0.45703125, 0.51953125, 0.48828125, 0.4609375, 0.8125, 0.6484375, 0.734375, 0.80859375, 0.57421875,
      3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0.515625,
    ]);
  });

  it('eval: the mean slope, no draw', () => {
    const m = new nn.RReLU(0.1, 0.3).eval();
    const t = x().requiresGrad_();
    torch.manualSeed(0);
    const y = m(t);
    expect(torch.rand(1).item()).toBe(0.49625658988952637); // torch.manual_seed(0); torch.rand(1): nothing drawn before
    expectClose(y, X.map((v) => (v > 0 ? v : v * 0.2)));
    y.sum().backward();
    expectClose(t.grad!, X.map((v) => (v > 0 ? 1 : 0.2)));
    expect(m.training).toBe(false);
    expect(m.train().training).toBe(true);
  });

  it('the gradient is the drawn slope however close lower and upper are', () => {
    // PyTorch 1.13: torch.manual_seed(0); F.rrelu(x, 0.2, 0.2 + gap, training=True) with x = [-1, 2, -0.5]
    const expected: [number, number[]][] = [
      [0, [0.20000000298023224, 1, 0.20000000298023224]],
      [1e-7, [0.2000001072883606, 1, 0.2000000774860382]],
    ];
    for (const [gap, slopes] of expected) {
      torch.manualSeed(0);
      const t = torch.tensor([-1, 2, -0.5], { dtype: torch.float32, requiresGrad: true });
      const y = F.rrelu(t, 0.2, 0.2 + gap, { training: true });
      expect(values(y)).toEqual([-slopes[0], 2, -0.5 * slopes[2]]);
      y.sum().backward();
      expect(values(t.grad!)).toEqual(slopes);
    }
  });

  it('in place in training on a non-leaf: the gradient flows to the leaf', () => {
    const leaf = torch.tensor([-1, 2, -0.5], { dtype: torch.float32, requiresGrad: true });
    const h = leaf.mul(1);
    torch.manualSeed(0);
    const y = new nn.RReLU(0.1, 0.3, true)(h);
    expect(y).toBe(h);
    y.sum().backward();
    const slopes = values(h.detach().div(leaf.detach())) as number[];
    expect(values(leaf.grad!)).toEqual(slopes);
    expect(slopes[1]).toBe(1);
  });
});

describe('activation modules: constructors, attributes, reprs', () => {
  it('print as PyTorch 1.13 prints them', () => {
    const cases: [torch.nn.Module, string][] = [
      [new nn.ReLU(), 'ReLU()'], [new nn.ReLU(true), 'ReLU(inplace=True)'],
      [new nn.ReLU6(), 'ReLU6()'], [new nn.ReLU6({ inplace: true }), 'ReLU6(inplace=True)'],
      [new nn.LeakyReLU(), 'LeakyReLU(negative_slope=0.01)'], [new nn.LeakyReLU(0.2, true), 'LeakyReLU(negative_slope=0.2, inplace=True)'],
      [new nn.PReLU(), 'PReLU(num_parameters=1)'], [new nn.PReLU(3, 0.1), 'PReLU(num_parameters=3)'],
      [new nn.RReLU(), 'RReLU(lower=0.125, upper=0.3333333333333333)'], [new nn.RReLU(0.1, 0.3, true), 'RReLU(lower=0.1, upper=0.3, inplace=True)'],
      [new nn.ELU(), 'ELU(alpha=1.0)'], [new nn.ELU(2, true), 'ELU(alpha=2, inplace=True)'],
      [new nn.CELU(), 'CELU(alpha=1.0)'], [new nn.CELU(0.5, true), 'CELU(alpha=0.5, inplace=True)'],
      [new nn.SELU(), 'SELU()'], [new nn.SELU(true), 'SELU(inplace=True)'],
      [new nn.GELU(), "GELU(approximate='none')"], [new nn.GELU('tanh'), "GELU(approximate='tanh')"],
      [new nn.SiLU(), 'SiLU()'], [new nn.SiLU(true), 'SiLU(inplace=True)'], [new nn.Mish(), 'Mish()'], [new nn.Mish(true), 'Mish(inplace=True)'],
      [new nn.Hardswish(true), 'Hardswish()'], [new nn.Hardsigmoid(true), 'Hardsigmoid()'],
      [new nn.Hardtanh(), 'Hardtanh(min_val=-1.0, max_val=1.0)'], [new nn.Hardtanh(-2, 2), 'Hardtanh(min_val=-2, max_val=2)'],
      [new nn.Hardtanh(-2.5, 2.5, true), 'Hardtanh(min_val=-2.5, max_val=2.5, inplace=True)'],
      [new nn.Hardshrink(), 'Hardshrink(0.5)'], [new nn.Hardshrink(1), 'Hardshrink(1)'],
      [new nn.Softshrink(), 'Softshrink(0.5)'], [new nn.Softshrink(0.3), 'Softshrink(0.3)'],
      [new nn.Tanhshrink(), 'Tanhshrink()'], [new nn.Softplus(), 'Softplus(beta=1, threshold=20)'], [new nn.Softplus(2.5, 10), 'Softplus(beta=2.5, threshold=10)'],
      [new nn.Softsign(), 'Softsign()'], [new nn.Sigmoid(), 'Sigmoid()'], [new nn.LogSigmoid(), 'LogSigmoid()'], [new nn.Tanh(), 'Tanh()'],
      [new nn.Threshold(0.1, 20), 'Threshold(threshold=0.1, value=20)'], [new nn.Threshold(0.1, 20, true), 'Threshold(threshold=0.1, value=20, inplace=True)'],
      [new nn.GLU(), 'GLU(dim=-1)'], [new nn.GLU(1), 'GLU(dim=1)'],
      [new nn.Softmax(), 'Softmax(dim=None)'], [new nn.Softmax(1), 'Softmax(dim=1)'], [new nn.Softmin(), 'Softmin(dim=None)'],
      [new nn.Softmin(-1), 'Softmin(dim=-1)'], [new nn.LogSoftmax(), 'LogSoftmax(dim=None)'], [new nn.LogSoftmax(0), 'LogSoftmax(dim=0)'],
      [new nn.Softmax2d(), 'Softmax2d()'],
      [new nn.Sequential(new nn.ReLU(), new nn.Hardtanh(-2, 2)), 'Sequential(\n  (0): ReLU()\n  (1): Hardtanh(min_val=-2, max_val=2)\n)'],
    ];
    for (const [m, repr] of cases) expect(String(m)).toBe(repr);
  });

  it('take their arguments by position or by name (camelCase or snake_case)', () => {
    const a = new nn.LeakyReLU({ negativeSlope: 0.3, inplace: true });
    const b = new nn.LeakyReLU(0.3, { inplace: true });
    const c = new nn.LeakyReLU({ negative_slope: 0.3 } as never);
    expect([a.negativeSlope, a.inplace, b.negativeSlope, b.inplace, c.negativeSlope, c.inplace]).toEqual([0.3, true, 0.3, true, 0.3, false]);
    const t = new nn.Threshold({ threshold: 1, value: 2 });
    expect([t.threshold, t.value, t.inplace]).toEqual([1, 2, false]);
    expect(new nn.RReLU({ upper: 0.5 }).lower).toBe(0.125);
    expect(new nn.Softmax({ dim: 2 }).dim).toBe(2);
    expect(new nn.GELU({ approximate: 'tanh' }).approximate).toBe('tanh');
  });

  it('read their attributes at each call', () => {
    const m = new nn.LeakyReLU();
    const x = torch.tensor([-2, 1], { dtype: torch.float32 });
    m.negativeSlope = 0.5;
    expectClose(m(x), [-1, 1]);
    const h = new nn.Hardtanh();
    h.maxVal = 0.5;
    expectClose(h(x), [-1, 0.5]);
  });

  it('Hardtanh: the deprecated min_value / max_value replace min_val / max_val, with a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = new nn.Hardtanh({ minValue: -3, maxValue: 4 });
    expect([m.minVal, m.maxVal]).toEqual([-3, 4]);
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'keyword argument min_value is deprecated and rename to min_val',
      'keyword argument max_value is deprecated and rename to max_val',
    ]);
    warn.mockRestore();
  });

  it('ReLU6 is a Hardtanh(0, 6)', () => {
    const m = new nn.ReLU6();
    expect(m).toBeInstanceOf(nn.Hardtanh);
    expect([m.minVal, m.maxVal, m.inplace]).toEqual([0, 6, false]);
  });

  it('PReLU: one weight parameter filled with init, in the factory dtype', () => {
    const m = new nn.PReLU(3, 0.1);
    expect(m.weight).toBeInstanceOf(nn.Parameter);
    expect(m.weight.requiresGrad).toBe(true);
    expect(m.weight.shape).toEqual([3]);
    expectClose(m.weight, [0.1, 0.1, 0.1]);
    expect(m.namedParameters().map(([k]) => k)).toEqual(['weight']);
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect([m.numParameters, m.init]).toEqual([3, 0.1]);
    const d = new nn.PReLU({ dtype: torch.float64, device: 'cpu' });
    expect(d.weight.dtype).toBe(torch.float64);
    expect(values(d.weight)).toEqual([0.25]);
    m.weight.data.fill_(7);
    m.init = 0.5;
    m.resetParameters();
    expectClose(m.weight, [0.5, 0.5, 0.5]);
    m.loadStateDict({ weight: torch.tensor([0.1, 0.2, 0.3], { dtype: torch.float32 }) });
    const x = torch.tensor([[-1, -1, -1]], { dtype: torch.float32 });
    expectClose(m(x), [-0.1, -0.2, -0.3]);
  });
});

describe('activation modules: in-place forms', () => {
  const inplaceModules: [string, unknown[]][] = [
    ['ReLU', [true]], ['ReLU6', [true]], ['LeakyReLU', [0.1, true]], ['ELU', [1, true]], ['CELU', [1, true]], ['SELU', [true]],
    ['SiLU', [true]], ['Mish', [true]], ['Hardswish', [true]], ['Hardsigmoid', [true]], ['Hardtanh', [-1, 1, true]],
    ['Threshold', [0.1, 20, true]], ['RReLU', [0.1, 0.3, true]],
  ];
  for (const [cls, args] of inplaceModules) {
    it(`${cls}(inplace): overwrites its input, returns it, and the gradient matches the out-of-place form`, () => {
      const outOfPlace = make(cls, args.map((a) => (a === true ? false : a))).eval();
      const inPlace = make(cls, args).eval();
      const leaf = torch.tensor(X, { dtype: torch.float32, requiresGrad: true });
      const want = outOfPlace(leaf) as torch.Tensor;
      want.backward(torch.tensor(G, { dtype: torch.float32 }));
      const wantGrad = values(leaf.grad!);
      leaf.grad = null;
      const h = leaf.mul(1);
      const got = inPlace(h) as torch.Tensor;
      expect(got).toBe(h);
      expect(values(h)).toEqual(values(want));
      got.backward(torch.tensor(G, { dtype: torch.float32 }));
      expect(values(leaf.grad!)).toEqual(wantGrad);
    });
  }

  it('refuse a leaf that requires grad, before drawing anything', () => {
    const leaf = torch.tensor([-1, 2], { dtype: torch.float32, requiresGrad: true });
    torch.manualSeed(0);
    expect(() => new nn.RReLU(0.1, 0.3, true)(leaf)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
    expect(torch.rand(1).item()).toBe(0.49625658988952637); // the generator did not move
    expect(() => new nn.ReLU(true)(leaf)).toThrow('a leaf Variable that requires grad is being used in an in-place operation.');
  });
});

describe('softmax family: dims', () => {
  it('dim null: PyTorch\'s implicit dim (0 for 0-, 1- and 3-d input, else 1)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (let nd = 0; nd <= 4; nd++) {
      const x = nd === 0 ? torch.tensor(1.5, { dtype: torch.float32 }) : torch.arange(2 ** nd, { dtype: torch.float32 }).reshape(new Array(nd).fill(2)).div(3);
      const dim = nd === 0 || nd === 1 || nd === 3 ? 0 : 1;
      expect(values(new nn.Softmax()(x)), `${nd}-d`).toEqual(values(F.softmax(x, dim)));
      expect(values(new nn.Softmin()(x)), `${nd}-d`).toEqual(values(F.softmax(x.neg(), dim)));
      expect(values(new nn.LogSoftmax()(x)), `${nd}-d`).toEqual(values(F.logSoftmax(x, dim)));
    }
    // PyTorch 1.13: nn.Softmin()(torch.tensor([0., 1.]))
    expectClose(new nn.Softmin()(torch.tensor([0, 1], { dtype: torch.float32 })), [0.7310585975646973, 0.2689414322376251]);
    warn.mockRestore();
  });

  it('Softmax2d: over the channels of a (C, H, W) or (N, C, H, W) input', () => {
    const x = torch.arange(24, { dtype: torch.float32 }).reshape([2, 3, 4]).div(10);
    // PyTorch 1.13: nn.Softmax2d()(torch.arange(24.).view(2, 3, 4) / 10)
    expectClose(new nn.Softmax2d()(x).reshape([-1]).narrow(0, 0, 5), [0.23147520422935486, 0.23147524893283844, 0.23147524893283844, 0.23147520422935486, 0.23147520422935486]);
    expect(values(new nn.Softmax2d()(x.reshape([1, 2, 3, 4])))).toEqual(values(new nn.Softmax2d()(x)));
    for (const shape of [[2, 3], [1, 2, 3, 4, 5]]) {
      expect(() => new nn.Softmax2d()(torch.zeros(shape))).toThrow(expect.objectContaining({ name: 'AssertionError', message: 'Softmax2d requires a 3D or 4D tensor as input' }));
    }
  });

  it('F.softmin: dtype converts after the negation', () => {
    const x = torch.tensor([1, 2, 3]);
    const y = F.softmin(x, 0, { dtype: torch.float64 });
    expect(y.dtype).toBe(torch.float64);
    // PyTorch 1.13: F.softmin(torch.tensor([1, 2, 3]), 0, dtype=torch.float64)
    expectClose(y, [0.6652409557748219, 0.24472847105479764, 0.09003057317038046], 1e-12, 1e-15);
  });
});

describe('activation modules: errors as PyTorch raises them', () => {
  const x = (): torch.Tensor => torch.tensor([-1, 0.5, 2], { dtype: torch.float32 });
  const cases: [string, () => unknown, string, string][] = [
    ['Hardtanh(1, 0)', () => new nn.Hardtanh(1, 0), 'AssertionError', ''],
    ['Hardtanh(1, 1)', () => new nn.Hardtanh(1, 1), 'AssertionError', ''],
    ['PReLU(-1)', () => new nn.PReLU(-1), 'RuntimeError', 'Trying to create tensor with negative dimension -1: [-1]'],
    ['GELU("foo")', () => new nn.GELU('foo' as 'none')(x()), 'RuntimeError', 'approximate argument must be either none or tanh.'],
    ['CELU(0)', () => new nn.CELU(0)(x()), 'RuntimeError', 'ZeroDivisionError: alpha cannot be 0 for CELU'],
    ['Softshrink(-1)', () => new nn.Softshrink(-1)(x()), 'RuntimeError', 'lambda must be greater or equal to 0, but found to be -1.'],
    ['RReLU(0.3, 0.1)', () => new nn.RReLU(0.3, 0.1)(x()), 'RuntimeError', 'Lower bound should be less than or equal to the upper bound'],
    ['RReLU(0.3, 0.1) eval', () => new nn.RReLU(0.3, 0.1).eval()(x()), 'RuntimeError', 'Lower bound should be less than or equal to the upper bound'],
    ['RReLU on int64', () => new nn.RReLU()(torch.tensor([1, -2])), 'RuntimeError', '"rrelu_with_noise_out_cpu" not implemented for \'Long\''],
    ['RReLU on int64, eval', () => new nn.RReLU().eval()(torch.tensor([1, -2])), 'RuntimeError', '"leaky_relu_cpu" not implemented for \'Long\''],
    ['RReLU on float16', () => new nn.RReLU()(torch.zeros(3, { dtype: torch.float16 })), 'RuntimeError', '"rrelu_with_noise_out_cpu" not implemented for \'Half\''],
    ['GLU on an odd dim', () => new nn.GLU()(torch.zeros(3)), 'RuntimeError', 'Halving dimension must be even, but dimension 0 is size 3'],
    ['GLU(2) on 2-d', () => new nn.GLU(2)(torch.zeros([4, 2])), 'IndexError', 'Dimension out of range (expected to be in range of [-2, 1], but got 2)'],
    ['GLU on 0-d', () => new nn.GLU()(torch.tensor(1, { dtype: torch.float32 })), 'RuntimeError', 'glu does not support scalars because halving size must be even'],
    ['GLU on float16', () => F.glu(torch.zeros(4, { dtype: torch.float16 })), 'RuntimeError', '"glu_cpu" not implemented for \'Half\''],
    ['GLU on int64', () => F.glu(torch.tensor([1, 2])), 'RuntimeError', '"glu_cpu" not implemented for \'Long\''],
    ['PReLU(2) on 3 channels', () => new nn.PReLU(2)(torch.zeros([2, 3])), 'RuntimeError', 'Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 3.'],
    ['PReLU(3) on 1-d', () => new nn.PReLU(3)(torch.zeros(3)), 'RuntimeError', 'Mismatch of parameter numbers and input channel size. Found parameter numbers = 3 and channel size = 1.'],
    ['PReLU(3) on 0-d', () => new nn.PReLU(3)(torch.tensor(2, { dtype: torch.float32 })), 'RuntimeError', 'Not allow zero-dim input tensor.'],
    ['PReLU float64 on float32', () => new nn.PReLU({ dtype: torch.float64 })(x()), 'RuntimeError', 'Found dtype Double but expected Float'],
    ['F.prelu with a 2-d weight', () => F.prelu(torch.zeros([2, 3]), torch.zeros([1, 1])), 'RuntimeError', 'prelu: Expected `weight` to be a scalar or 1D tensor, but got ndim = 2'],
    ['F.prelu on int64', () => F.prelu(torch.tensor([[1, 2, 3]]), torch.tensor([1, 2, 3])), 'RuntimeError', '"prelu_cpu" not implemented for \'Long\''],
    ['LogSoftmax(3) on 2-d', () => new nn.LogSoftmax(3)(torch.zeros([2, 3])), 'IndexError', 'Dimension out of range (expected to be in range of [-2, 1], but got 3)'],
    ['PReLU on another device', () => new nn.PReLU({ device: 'cuda' }), 'RuntimeError', "PReLU: device must be 'cpu' (torchwasm tensors live in WebAssembly memory), got 'cuda'"],
  ];
  for (const [what, fn, name, message] of cases) {
    it(what, () => {
      expect(fn).toThrow(expect.objectContaining({ name, message }));
    });
  }

  it('wrong constructor arguments are TypeErrors', () => {
    expect(() => new nn.ELU('a' as never)).toThrow(TypeError);
    expect(() => new (nn.Threshold as never as new (...a: unknown[]) => unknown)(1)).toThrow(TypeError);
    expect(() => new nn.ReLU({ foo: 1 } as never)).toThrow(TypeError);
  });
});

describe('activation modules: memory', () => {
  it('a training loop through every module keeps the heap flat', () => {
    const modules = CASES.map(([cls, args, options]) => make(cls, args, options));
    const w = torch.tensor(X, { dtype: torch.float32 }).reshape([2, 3, 4]).requiresGrad_();
    const step = (): void => {
      torch.tidy(() => {
        for (const m of modules) {
          const y = m(w.mul(1.5)) as torch.Tensor;
          y.sum().backward();
        }
      });
      w.grad?.dispose();
      w.grad = null;
      for (const m of modules) m.zeroGrad({ setToNone: true });
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    step(); // first use allocates nothing that persists, but settles lazy state
    expectNoLeak(() => {
      for (let i = 0; i < 5; i++) step();
    });
    warn.mockRestore();
  });

  it('functional calls free their temporaries', () => {
    const x = torch.tensor(X, { dtype: torch.float32 });
    const w = torch.tensor([0.2], { dtype: torch.float32 });
    expectNoLeak(() => {
      for (const f of [
        () => F.rrelu(x, 0.1, 0.3, { training: true }), () => F.rrelu(x),
        () => F.softmin(x, 0), () => F.prelu(x, w), () => F.glu(x), () => F.softsign(x), () => F.tanhshrink(x),
      ]) f().dispose();
    });
  });
});
