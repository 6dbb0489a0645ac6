//! PyTorch's CPU generator: MT19937 with ATen's seeding, its 32/64-bit draws, the
//! uniform conversions every distribution builds on, the scalar Box-Muller normal
//! with its cached second sample, and the byte layout of get_state/set_state.
//! Everything here reproduces PyTorch 1.13's streams bit for bit.

use crate::kernels::crmath;

pub const STATE_N: usize = 624;
const STATE_M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// The seed of a `torch.Generator()` made without one (c10's default_rng_seed_val).
pub const DEFAULT_SEED: u64 = 67_280_421_310_721;

/// Bytes of torch.get_rng_state(): CPUGeneratorImplState (the legacy THGeneratorState
/// followed by the cached float normal sample).
pub const STATE_BYTES: usize = 5056;
/// Bytes of the legacy THGeneratorState alone, which set_state also accepts.
pub const LEGACY_STATE_BYTES: usize = 5048;

// Offsets inside the state bytes (x86-64 layout of the C structs).
const OFF_SEED: usize = 0;
const OFF_LEFT: usize = 8;
const OFF_SEEDED: usize = 12;
const OFF_NEXT: usize = 16;
const OFF_STATE: usize = 24;
const OFF_NORMAL_X: usize = 5016;
const OFF_NORMAL_Y: usize = 5024;
const OFF_NORMAL_RHO: usize = 5032;
const OFF_NORMAL_VALID: usize = 5040;
const OFF_FLOAT_NORMAL: usize = 5048;
const OFF_FLOAT_NORMAL_VALID: usize = 5052;

#[derive(Debug, PartialEq, Eq)]
pub enum StateError {
    /// The byte count is neither STATE_BYTES nor LEGACY_STATE_BYTES.
    Size,
    /// seeded/left/next are out of range ("Invalid mt19937 state").
    Invalid,
}

#[derive(Clone)]
pub struct Generator {
    state: [u32; STATE_N],
    seed: u64,
    left: i32,
    next: u32,
    seeded: bool,
    next_double_normal: Option<f64>,
    next_float_normal: Option<f32>,
}

#[inline(always)]
fn twist(u: u32, v: u32) -> u32 {
    (((u & UPPER_MASK) | (v & LOWER_MASK)) >> 1) ^ if v & 1 != 0 { MATRIX_A } else { 0 }
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        let mut g = Generator {
            state: [0; STATE_N],
            seed: 0,
            left: 1,
            next: 0,
            seeded: false,
            next_double_normal: None,
            next_float_normal: None,
        };
        g.manual_seed(seed);
        g
    }

    /// Seeds with the low 32 bits of `seed` (the full value is kept as the initial
    /// seed) and drops the cached normal samples.
    pub fn manual_seed(&mut self, seed: u64) {
        self.next_double_normal = None;
        self.next_float_normal = None;
        self.seed = seed;
        self.seeded = true;
        self.state[0] = seed as u32;
        for j in 1..STATE_N {
            let prev = self.state[j - 1];
            self.state[j] = 1_812_433_253u32.wrapping_mul(prev ^ (prev >> 30)).wrapping_add(j as u32);
        }
        self.left = 1;
        self.next = 0;
    }

    pub fn initial_seed(&self) -> u64 {
        self.seed
    }

    fn next_state(&mut self) {
        self.left = STATE_N as i32;
        self.next = 0;
        let s = &mut self.state;
        for i in 0..STATE_N - STATE_M {
            s[i] = s[i + STATE_M] ^ twist(s[i], s[i + 1]);
        }
        for i in STATE_N - STATE_M..STATE_N - 1 {
            s[i] = s[i + STATE_M - STATE_N] ^ twist(s[i], s[i + 1]);
        }
        s[STATE_N - 1] = s[STATE_M - 1] ^ twist(s[STATE_N - 1], s[0]);
    }

    /// One tempered 32-bit output.
    #[inline]
    pub fn random(&mut self) -> u32 {
        self.left -= 1;
        if self.left == 0 {
            self.next_state();
        }
        let mut y = self.state[self.next as usize];
        self.next += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// Two outputs, the first in the high half.
    #[inline]
    pub fn random64(&mut self) -> u64 {
        let hi = self.random() as u64;
        let lo = self.random() as u64;
        (hi << 32) | lo
    }

    /// uniform_real_distribution<float>(0, 1): the low 24 bits of one draw.
    #[inline]
    pub fn uniform_f32(&mut self) -> f32 {
        (self.random() & 0x00ff_ffff) as f32 * (1.0 / 16_777_216.0)
    }

    /// uniform_real_distribution<double>(0, 1): the low 53 bits of a 64-bit draw.
    #[inline]
    pub fn uniform_f64(&mut self) -> f64 {
        (self.random64() & ((1u64 << 53) - 1)) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// normal_distribution<double>(mean, std): Box-Muller returning the cosine sample
    /// and caching the sine one for the next call (until manual_seed).
    pub fn normal_f64(&mut self, mean: f64, std: f64) -> f64 {
        if let Some(v) = self.next_double_normal.take() {
            return v.mul_add(std, mean);
        }
        let u1 = self.uniform_f64();
        let u2 = self.uniform_f64();
        let r = (-2.0 * (-u2).ln_1p()).sqrt();
        let theta = 2.0 * core::f64::consts::PI * u1;
        let (sin, cos) = crmath::sincos(theta);
        self.next_double_normal = Some(r * sin);
        (r * cos).mul_add(std, mean)
    }

    /// torch.get_rng_state()'s bytes.
    pub fn get_state(&self, out: &mut [u8; STATE_BYTES]) {
        out.fill(0);
        out[OFF_SEED..OFF_SEED + 8].copy_from_slice(&self.seed.to_le_bytes());
        out[OFF_LEFT..OFF_LEFT + 4].copy_from_slice(&self.left.to_le_bytes());
        out[OFF_SEEDED..OFF_SEEDED + 4].copy_from_slice(&(self.seeded as i32).to_le_bytes());
        out[OFF_NEXT..OFF_NEXT + 8].copy_from_slice(&(self.next as u64).to_le_bytes());
        for (i, &w) in self.state.iter().enumerate() {
            let o = OFF_STATE + 8 * i;
            out[o..o + 8].copy_from_slice(&(w as u64).to_le_bytes());
        }
        if let Some(v) = self.next_double_normal {
            out[OFF_NORMAL_Y..OFF_NORMAL_Y + 8].copy_from_slice(&v.to_le_bytes());
            out[OFF_NORMAL_VALID..OFF_NORMAL_VALID + 4].copy_from_slice(&1i32.to_le_bytes());
        }
        if let Some(v) = self.next_float_normal {
            out[OFF_FLOAT_NORMAL..OFF_FLOAT_NORMAL + 4].copy_from_slice(&v.to_le_bytes());
            out[OFF_FLOAT_NORMAL_VALID] = 1;
        }
    }

    /// torch.set_rng_state(): the current layout, or the legacy one whose cached normal
    /// is rebuilt from (normal_rho, normal_x). Leaves the generator unchanged on error.
    pub fn set_state(&mut self, src: &[u8]) -> Result<(), StateError> {
        let legacy = match src.len() {
            STATE_BYTES => false,
            LEGACY_STATE_BYTES => true,
            _ => return Err(StateError::Size),
        };
        let u64_at = |o: usize| u64::from_le_bytes(src[o..o + 8].try_into().unwrap());
        let i32_at = |o: usize| i32::from_le_bytes(src[o..o + 4].try_into().unwrap());
        let f64_at = |o: usize| f64::from_le_bytes(src[o..o + 8].try_into().unwrap());
        let left = i32_at(OFF_LEFT);
        let seeded = i32_at(OFF_SEEDED) != 0;
        let next = u64_at(OFF_NEXT) as u32;
        if !(seeded && left > 0 && left <= STATE_N as i32 && next as usize <= STATE_N) {
            return Err(StateError::Invalid);
        }
        for i in 0..STATE_N {
            self.state[i] = u64_at(OFF_STATE + 8 * i) as u32;
        }
        self.seed = u64_at(OFF_SEED);
        self.left = left;
        self.next = next;
        self.seeded = seeded;
        let normal_valid = i32_at(OFF_NORMAL_VALID) != 0;
        if legacy {
            self.next_float_normal = None;
            self.next_double_normal = if normal_valid {
                let theta = 2.0 * core::f64::consts::PI * f64_at(OFF_NORMAL_X);
                Some(f64_at(OFF_NORMAL_RHO) * crmath::sin(theta))
            } else {
                None
            };
        } else {
            self.next_double_normal = if normal_valid { Some(f64_at(OFF_NORMAL_Y)) } else { None };
            self.next_float_normal = if src[OFF_FLOAT_NORMAL_VALID] != 0 {
                Some(f32::from_le_bytes(src[OFF_FLOAT_NORMAL..OFF_FLOAT_NORMAL + 4].try_into().unwrap()))
            } else {
                None
            };
        }
        Ok(())
    }
}
