//! Where a kernel attempt's operands live. In a judge, every slice the attempt is handed lies
//! flush against a `PROT_NONE` guard page, after its last element and then (a second call)
//! before its first, so that reading or writing out of bounds kills the judge (a crash verdict)
//! instead of passing. The guard pages themselves are the kernels' test buffers, which the judge
//! installs; elsewhere (the references, tests in this process) [`guarded`] calls straight through.

use std::ops::DerefMut;
use std::sync::OnceLock;

/// Which end of a buffer touches its guard page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    After,
    Before,
}

/// A copy of `values`, placed against a guard page on `side`; `label` names it if it faults.
pub type Place = fn(values: &[f32], side: Side, label: &'static str) -> Box<dyn DerefMut<Target = [f32]>>;

/// The same for u32 operands (class targets, token ids, positions), which are only read.
pub type PlaceIds = fn(values: &[u32], side: Side, label: &'static str) -> Box<dyn AsRef<[u32]>>;

static PLACE: OnceLock<(Place, PlaceIds)> = OnceLock::new();

/// Places every later [`guarded`] call's operands with `place` and `place_ids` (the judge
/// does, once).
pub fn install(place: Place, place_ids: PlaceIds) {
    let _ = PLACE.set((place, place_ids));
}

/// Calls `call` with `inputs` and `outputs` (each named, for a fault report). With guard pages
/// installed it runs twice, every operand a copy against a guard page after its end and then
/// before its start, each time from the outputs' original contents; the second run's outputs
/// (and result) are kept. Without, it calls `call` on the slices themselves.
pub fn guarded<const I: usize, const O: usize, R>(
    inputs: [(&'static str, &[f32]); I],
    outputs: [(&'static str, &mut [f32]); O],
    call: impl Fn([&[f32]; I], [&mut [f32]; O]) -> R,
) -> R {
    guarded_ids([], inputs, outputs, |[], inputs, outputs| call(inputs, outputs))
}

/// [`guarded`] with u32 inputs (`ids`) placed against guard pages too.
pub fn guarded_ids<const N: usize, const I: usize, const O: usize, R>(
    ids: [(&'static str, &[u32]); N],
    inputs: [(&'static str, &[f32]); I],
    outputs: [(&'static str, &mut [f32]); O],
    call: impl Fn([&[u32]; N], [&[f32]; I], [&mut [f32]; O]) -> R,
) -> R {
    let Some((place, place_ids)) = PLACE.get() else {
        return call(ids.map(|(_, v)| v), inputs.map(|(_, v)| v), outputs.map(|(_, v)| v));
    };
    let initial: [Vec<f32>; O] = outputs.each_ref().map(|(_, v)| v.to_vec());
    let mut last = None;
    for side in [Side::After, Side::Before] {
        let placed_ids = ids.map(|(label, values)| place_ids(values, side, label));
        let ins = inputs.map(|(label, values)| place(values, side, label));
        let mut outs: [Box<dyn DerefMut<Target = [f32]>>; O] =
            std::array::from_fn(|i| place(&initial[i], side, outputs[i].0));
        let result = call(
            placed_ids.each_ref().map(|b| (**b).as_ref()),
            ins.each_ref().map(|b| &***b),
            outs.each_mut().map(|b| &mut ***b),
        );
        last = Some((outs, result));
    }
    let (placed, result) = last.expect("two runs");
    for ((_, out), placed) in outputs.into_iter().zip(placed) {
        out.copy_from_slice(&placed);
    }
    result
}
