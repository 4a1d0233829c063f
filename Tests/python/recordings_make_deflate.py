"""Writes gzip (deflate) HDF5 datasets with h5py for the libdeflate tests (issue 15), each beside an uncompressed
copy of the same values, and NWB-like files whose gzip spike times have one truncated or one garbled chunk.

Usage: recordings_make_deflate.py OUTDIR -> prints JSON {"datasets": path, "names": [...], "nwb": {case: {...}},
"stream": path of a bare zlib stream of bytes(range(256)) * 40}.
Every compressed dataset NAME has its plain copy NAME_plain (contiguous, no filter).
"""
import json
import os
import sys

import h5py
import numpy as np

outdir = sys.argv[1]
rng = np.random.default_rng(15)
names = []


def pair(f, name, data, **kw):
    f.create_dataset(name, data=data, **kw)
    f.create_dataset(name + "_plain", data=data)
    names.append(name)


# 1. Spike-time-like float64 vectors: many chunks (the parallel raw-chunk path), with and without shuffle, a partial
#    last chunk, gzip levels 1/4/9.
times = np.cumsum(rng.exponential(0.01, 200_003))
ds_path = os.path.join(outdir, "deflate.h5")
with h5py.File(ds_path, "w") as f:
    pair(f, "times_shuffle", times, chunks=(4096,), compression="gzip", compression_opts=4, shuffle=True)
    pair(f, "times_noshuffle", times, chunks=(3000,), compression="gzip", compression_opts=9)
    pair(f, "times_level1", times[:50_000], chunks=(1024,), compression="gzip", compression_opts=1, shuffle=True)
    # 2. LFP-like 2-D float32 (samples x channels): chunks over all channels (as our writer and the demo data) and
    #    chunks that split the channels (h5py's own layout), NaN and -0.0 values kept bit for bit.
    lfp = rng.normal(0.0, 50.0, (20_011, 7)).astype(np.float32)
    lfp[5, 3] = np.nan
    lfp[17, 0] = -0.0
    pair(f, "lfp_rows", lfp, chunks=(1000, 7), compression="gzip", compression_opts=1)
    pair(f, "lfp_blocks", lfp, chunks=(999, 3), compression="gzip", compression_opts=6, shuffle=True)
    # 3. Int16 signal that compresses ~1000x (zeros with rare steps): the decoder must grow its output buffer.
    flat = np.zeros((262_144, 4), dtype=np.int16)
    flat[::50_000] = 7
    pair(f, "int16_flat", flat, chunks=(131_072, 4), compression="gzip", compression_opts=9)
    # 4. A small dataset (one chunk).
    pair(f, "small", np.arange(100, dtype=np.float64) * 0.5, chunks=(100,), compression="gzip")


def nwb(name, spikes, corrupt=None):
    """A minimal NWB file: 4 units (2 E, 2 I by cell_type), gzip+shuffle spike times in 4096-value chunks.
    corrupt = ("truncate" | "garble", chunk index) rewrites that chunk's stored bytes with write_direct_chunk."""
    p = os.path.join(outdir, name + ".nwb")
    with h5py.File(p, "w") as f:
        f.attrs["nwb_version"] = "2.7.0"
        f.attrs["neurodata_type"] = "NWBFile"
        f.attrs["namespace"] = "core"
        f.create_group("acquisition")
        f.create_group("general")
        g = f.create_group("units")
        g.attrs["neurodata_type"] = "Units"
        g.attrs["namespace"] = "core"
        g.attrs["colnames"] = np.array(["spike_times", "cell_type"], dtype=object)
        g.create_dataset("id", data=np.arange(len(spikes), dtype=np.int64))
        flat = np.concatenate(spikes)
        st = g.create_dataset("spike_times", data=flat, chunks=(4096,), compression="gzip", compression_opts=4,
                              shuffle=True)
        g.create_dataset("spike_times_index", data=np.cumsum([len(s) for s in spikes]).astype(np.int64))
        g.create_dataset("cell_type", data=np.array(["E", "E", "I", "I"], dtype=object), dtype=h5py.string_dtype())
        if corrupt is not None:
            kind, k = corrupt
            mask, raw = st.id.read_direct_chunk((k * 4096,))
            raw = bytearray(raw)
            if kind == "truncate":
                raw = raw[: len(raw) // 2]
            else:
                for i in range(len(raw) // 3, len(raw) // 3 + 64):
                    raw[i] ^= 0x5A
            st.id.write_direct_chunk((k * 4096,), bytes(raw), mask)
    return p


# 5. A bare zlib stream (RFC 1950) of 10,240 known bytes, for the inflater's size checks.
import zlib  # noqa: E402

stream_path = os.path.join(outdir, "stream.zlib")
with open(stream_path, "wb") as out:
    out.write(zlib.compress(bytes(range(256)) * 40, 6))

spikes = [np.sort(rng.uniform(0.0, 100.0, n)) for n in (20_000, 15_000, 10_000, 5_000)]
cases = {
    "clean": {"path": nwb("clean", spikes), "count": int(sum(len(s) for s in spikes))},
    "truncated": {"path": nwb("truncated", spikes, ("truncate", 5)), "chunk": 5},
    "garbled": {"path": nwb("garbled", spikes, ("garble", 9)), "chunk": 9},
}
print(json.dumps({"datasets": ds_path, "names": names, "nwb": cases, "stream": stream_path}))
