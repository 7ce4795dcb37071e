//! [`GuardedBuf`]: f32 storage flush against a `PROT_NONE` page, so that the first access past
//! its last element (or before its first) faults with SIGSEGV instead of reading or writing a
//! neighbour. A fault inside a live guard page is reported on stderr with the buffer's label
//! before the process dies of it.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::ptr::{self, NonNull};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// Which end of a [`GuardedBuf`] touches its guard page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// The guard page starts right after the last element.
    After,
    /// The guard page ends right before the first element.
    Before,
}

impl Guard {
    pub const BOTH: [Guard; 2] = [Guard::After, Guard::Before];
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Guard::After => "after the last element",
            Guard::Before => "before the first element",
        })
    }
}

/// The size of a memory page, asked of the system once.
pub fn page_size() -> usize {
    static PAGE: OnceLock<usize> = OnceLock::new();
    *PAGE.get_or_init(|| {
        // SAFETY: sysconf has no preconditions; it only reads a system constant.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(page).ok().filter(|&p| p > 0).expect("sysconf(_SC_PAGESIZE) failed")
    })
}

/// `len` f32 in a private anonymous mapping, flush against a `PROT_NONE` guard page on the
/// side `guard` names; the mapping is removed on drop. Derefs to exactly those `len` elements.
pub struct GuardedBuf {
    map: NonNull<libc::c_void>,
    map_len: usize,
    data: NonNull<f32>,
    len: usize,
    guard: Guard,
    /// Index of this buffer's entry in [`LIVE`], if there was a free one.
    slot: Option<usize>,
    /// What the fault handler prints; it reads these bytes while the buffer lives.
    description: Box<str>,
}

impl GuardedBuf {
    /// `len` zeros with the guard page on the `guard` side; `label` names the buffer in the
    /// report of a fault.
    pub fn new(len: usize, guard: Guard, label: &str) -> Self {
        let page = page_size();
        let bytes = len.checked_mul(size_of::<f32>()).expect("buffer size overflows usize");
        // At least one data page, so that even an empty buffer points into its own mapping.
        let data_pages = bytes.div_ceil(page).max(1);
        let map_len = (data_pages + 1) * page;
        // SAFETY: a new private anonymous mapping at an address of the kernel's choosing
        // touches no existing memory; the result is checked against MAP_FAILED below.
        let map = unsafe {
            libc::mmap(
                ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert!(map != libc::MAP_FAILED, "mmap of {map_len} bytes: {}", std::io::Error::last_os_error());
        let map = NonNull::new(map).expect("mmap returned a null mapping");
        let base = map.as_ptr().cast::<u8>();
        let (guard_page, data) = match guard {
            Guard::After => {
                let guard_page = base.wrapping_add(data_pages * page);
                (guard_page, guard_page.wrapping_sub(bytes))
            }
            Guard::Before => (base, base.wrapping_add(page)),
        };
        let data = NonNull::new(data.cast::<f32>()).expect("data inside a non-null mapping");
        let description = format!("the guard page {guard} of `{label}`").into_boxed_str();
        let mut buf = GuardedBuf { map, map_len, data, len, guard, slot: None, description };
        // SAFETY: `guard_page` is a page-aligned page inside the mapping just made, which only
        // `buf` knows of; no reference into that page exists.
        let rc = unsafe { libc::mprotect(guard_page.cast(), page, libc::PROT_NONE) };
        assert_eq!(rc, 0, "mprotect of a guard page: {}", std::io::Error::last_os_error());
        buf.slot = register(guard_page as usize, &buf.description);
        buf
    }

    /// A copy of `values` with the guard page on the `guard` side.
    pub fn from_slice(values: &[f32], guard: Guard, label: &str) -> Self {
        let mut buf = GuardedBuf::new(values.len(), guard, label);
        buf.copy_from_slice(values);
        buf
    }

    /// u32 operands (class targets, ids, positions) in a guarded buffer: their bit patterns as
    /// f32s, read back through [`as_u32s`](Self::as_u32s).
    pub fn from_u32s(values: &[u32], guard: Guard, label: &str) -> Self {
        let mut buf = GuardedBuf::new(values.len(), guard, label);
        for (slot, &v) in buf.iter_mut().zip(values) {
            *slot = f32::from_bits(v);
        }
        buf
    }

    /// The elements as u32 bit patterns, flush against the same guard page.
    pub fn as_u32s(&self) -> &[u32] {
        // SAFETY: `data` points to `len` initialised 4-byte elements inside this buffer's
        // read-write pages (as in `deref`); u32 has f32's size and alignment and every bit
        // pattern is a valid u32; `&self` excludes `&mut` for the borrow's lifetime.
        unsafe { std::slice::from_raw_parts(self.data.as_ptr().cast::<u32>(), self.len) }
    }

    /// `len` copies of `value` with the guard page on the `guard` side.
    pub fn filled(len: usize, value: f32, guard: Guard, label: &str) -> Self {
        let mut buf = GuardedBuf::new(len, guard, label);
        buf.fill(value);
        buf
    }

    /// Reads the f32 just past the guarded end: the guard page, so this never returns; the
    /// process dies of SIGSEGV (after the report names this buffer). For the test that proves
    /// the guard pages fault.
    pub fn read_guard_page(&self) -> f32 {
        let addr = match self.guard {
            Guard::After => self.data.as_ptr().wrapping_add(self.len),
            Guard::Before => self.data.as_ptr().wrapping_sub(1),
        };
        // SAFETY: not a safe read, on purpose: `addr` lies inside this buffer's own mapping
        // (its PROT_NONE page), so the load can only fault; the SIGSEGV ends the process
        // before any value is produced.
        unsafe { ptr::read_volatile(addr) }
    }
}

impl Deref for GuardedBuf {
    type Target = [f32];

    fn deref(&self) -> &[f32] {
        // SAFETY: `data` points to `len` f32 inside the read-write pages of the mapping this
        // buffer owns until drop; it is 4-byte aligned (a page boundary moved by whole f32s)
        // and initialised (mmap zero-fills, and zero bits are 0.0); `&self` excludes `&mut`.
        unsafe { std::slice::from_raw_parts(self.data.as_ptr(), self.len) }
    }
}

impl DerefMut for GuardedBuf {
    fn deref_mut(&mut self) -> &mut [f32] {
        // SAFETY: as in `deref`, and `&mut self` makes this the only reference to the data.
        unsafe { std::slice::from_raw_parts_mut(self.data.as_ptr(), self.len) }
    }
}

impl Drop for GuardedBuf {
    fn drop(&mut self) {
        if let Some(slot) = self.slot {
            LIVE[slot].guard.store(FREE, Ordering::Release);
        }
        // SAFETY: `map` and `map_len` are exactly the mapping made in `new`, and every slice
        // of it borrowed `self`, so none outlives this call.
        let rc = unsafe { libc::munmap(self.map.as_ptr(), self.map_len) };
        if rc != 0 && !std::thread::panicking() {
            panic!("munmap of {} bytes: {}", self.map_len, std::io::Error::last_os_error());
        }
    }
}

/// A live guard page and what to print if it is touched.
struct Slot {
    /// The guard page's address; [`FREE`] or [`CLAIMED`] while it holds none.
    guard: AtomicUsize,
    description: AtomicPtr<u8>,
    description_len: AtomicUsize,
}

impl Slot {
    const fn new() -> Self {
        Slot {
            guard: AtomicUsize::new(FREE),
            description: AtomicPtr::new(ptr::null_mut()),
            description_len: AtomicUsize::new(0),
        }
    }
}

/// Slot states below any page address.
const FREE: usize = 0;
const CLAIMED: usize = 1;

/// The live guard pages, for the fault handler (which may not lock or allocate). More buffers
/// than slots only lose their label in a fault report.
static LIVE: [Slot; 1024] = [const { Slot::new() }; 1024];

/// The SIGSEGV action in place before [`report_fault`]; set once, by [`install_handler`].
static PREVIOUS: OnceLock<libc::sigaction> = OnceLock::new();

/// Records a live guard page, installing the fault handler first.
fn register(guard_page: usize, description: &str) -> Option<usize> {
    install_handler();
    let index = LIVE.iter().position(|slot| {
        slot.guard.compare_exchange(FREE, CLAIMED, Ordering::AcqRel, Ordering::Relaxed).is_ok()
    })?;
    let slot = &LIVE[index];
    slot.description.store(description.as_ptr().cast_mut(), Ordering::Relaxed);
    slot.description_len.store(description.len(), Ordering::Relaxed);
    slot.guard.store(guard_page, Ordering::Release);
    Some(index)
}

fn install_handler() {
    PREVIOUS.get_or_init(|| {
        // SAFETY: sigaction is plain data for which all zero bits are a valid (empty) value.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = report_fault as *const () as libc::sighandler_t;
        // On the alternate stack std sets up, so that a stack overflow still reaches std.
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        // SAFETY: as above.
        let mut previous: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers are to live sigaction values; `report_fault` has the
        // SA_SIGINFO handler signature and only makes async-signal-safe calls.
        let rc = unsafe {
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGSEGV, &action, &mut previous)
        };
        assert_eq!(rc, 0, "sigaction(SIGSEGV): {}", std::io::Error::last_os_error());
        previous
    });
}

/// Writes to stderr with the raw system call: the one output a signal handler may use.
fn write_stderr(bytes: &[u8]) {
    // SAFETY: `bytes` is a live slice of `bytes.len()` bytes; write(2) only reads it.
    unsafe { libc::write(libc::STDERR_FILENO, bytes.as_ptr().cast(), bytes.len()) };
}

/// The SIGSEGV handler: names the buffer whose guard page holds the faulting address, then
/// puts the previous action back and returns, so that the access faults again under it (std's
/// stack-overflow check, then the default action, which kills the process).
extern "C" fn report_fault(_signal: libc::c_int, info: *mut libc::siginfo_t, _context: *mut libc::c_void) {
    // SAFETY: the kernel passes an SA_SIGINFO handler a valid siginfo_t, whose si_addr is the
    // faulting address for SIGSEGV.
    let addr = unsafe { (*info).si_addr() } as usize;
    let page = page_size();
    for slot in &LIVE {
        let guard = slot.guard.load(Ordering::Acquire);
        if guard <= CLAIMED || !(guard..guard + page).contains(&addr) {
            continue;
        }
        let (text, len) =
            (slot.description.load(Ordering::Relaxed), slot.description_len.load(Ordering::Relaxed));
        // SAFETY: the description was stored before the guard address (Release/Acquire) and
        // lives as long as its buffer, which is in use: the faulting access is into it.
        let description = unsafe { std::slice::from_raw_parts(text, len) };
        let mut hex = *b"0x0000000000000000";
        for (i, digit) in hex[2..].iter_mut().rev().enumerate() {
            *digit = b"0123456789abcdef"[(addr >> (4 * i)) & 0xf];
        }
        write_stderr(b"\nguard_pages: SIGSEGV at ");
        write_stderr(&hex);
        write_stderr(b", in ");
        write_stderr(description);
        write_stderr(b"\n");
    }
    if let Some(previous) = PREVIOUS.get() {
        // SAFETY: `previous` is the action sigaction returned when this handler went in.
        unsafe { libc::sigaction(libc::SIGSEGV, previous, ptr::null_mut()) };
    }
}
