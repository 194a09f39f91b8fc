#!/usr/bin/python3
"""Writes the `scale` pair of ./run bench: two large OCI image layouts, no daemon needed.

  bench-scale-images.py OUT_DIR BYTES FILES [SEED]
  bench-scale-images.py --version     the version of what it writes (part of the cache key)

OUT_DIR/source/oci and OUT_DIR/target/oci, each tagged `img`, each about BYTES of file
content (uncompressed) in about FILES files, spread over max(3, BYTES / 1 GB) layers
gzip'd at level 3 (pigz when present, else gzip). Standard library only; deterministic for given
BYTES, FILES and SEED (the layer blobs too, for a given pigz/gzip build), so the bench
can cache the pair.

What a delta tool sees, made to look like a real release of a large application image:

- source: packages (directory trees, half of them in versioned directories such as
  opt/app/lib/NAME-1.4.2), files of code-like text, of structured binary (records of
  small integers with string tables) and gzip'd text, many small files and a few big ones
  (a log-normal size distribution plus one big file per 2000), symlinks (current ->
  NAME-VERSION, libNAME.so -> the library) and a few hard links;
- target: the same release moved on: ~3 % of the versioned packages bumped to a new
  version directory (every file moved, a tenth of them edited, some added or dropped),
  ~1.5 % of the other files edited (bytes replaced, inserted, deleted or appended),
  a few renamed, added and deleted, one new package; every touched file and its
  directory get the release's mtime. Unchanged files keep their bytes and metadata.

Content is generated, not random noise: text is drawn word by word from a Zipf-weighted
vocabulary with code punctuation and indentation, binary is mostly small integers with
embedded text; both compress like real files. Each file's bytes come from its own seed,
so a moved file keeps its bytes and an added file is new to the source.
"""

import gzip
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tarfile
import time

# Bump whenever a change alters the images written for the same arguments: the bench
# regenerates its cached pairs when this changes.
VERSION = 1
CHUNK = 1 << 20  # big files are generated and edited chunk by chunk
T_SOURCE = 1735689600  # 2025-01-01T00:00:00Z: the source release
T_TARGET = T_SOURCE + 45 * 86400  # the target release, 45 days later


# ---------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------

def make_vocabulary(rng):
    """A 65536-entry table: indexing it with uniform 16-bit values draws Zipf-distributed words."""
    syllables = [a + b for a in ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "ch", "sh"]
                 for b in ["a", "e", "i", "o", "u", "ar", "er", "in", "on", "al", "en", "ou"]]
    words = set()
    while len(words) < 6000:
        words.add("".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    words = sorted(words)
    rng.shuffle(words)
    tokens = ["\n", "\n    ", "\n        ", "\n\n", "(", ")", "{", "}", "=", ";", ",", ".", "return", "if", "else",
              "for", "in", "def", "class", "import", "self", "this", "const", "var", "null", "0", "1", "\"", "//", "#"]
    # Punctuation and keywords spread over the frequent ranks, words around them.
    vocabulary = [w.encode() for w in words]
    for number, token in enumerate(tokens):
        vocabulary.insert(3 + number * (number + 5) // 2, token.encode())
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(vocabulary))]
    scale = 65536 / sum(weights)
    table = []
    for entry, weight in zip(vocabulary, weights):
        table.extend([entry] * max(1, round(weight * scale)))
    return (table * 2)[:65536], words


# Names of packages and files are drawn from the same words, uniformly.
VOCABULARY, WORDS = make_vocabulary(random.Random(20260101))
# Binary records: one byte of 16 values, one of 256, two zero bytes: ~12 bits per 4 bytes.
SMALL_VALUES = bytes(b & 0x0F for b in range(256))


def text_bytes(rng, length):
    out = b""
    while len(out) < length:
        need = (length - len(out)) // 4 + 16
        ids = memoryview(rng.randbytes(2 * need)).cast("H")
        out += b" ".join(map(VOCABULARY.__getitem__, ids)) + b"\n"
    return out[:length]


def binary_bytes(rng, length):
    out = bytearray(length)
    n0 = len(range(0, length, 4))
    n1 = len(range(1, length, 4))
    out[0::4] = rng.randbytes(n0).translate(SMALL_VALUES)
    out[1::4] = rng.randbytes(n1)
    # String tables and symbol names between the records.
    for _ in range(length // 65536 + 1):
        size = min(length, rng.randrange(256, 8192))
        at = rng.randrange(0, length - size + 1)
        out[at:at + size] = text_bytes(rng, size)
    return bytes(out)


def fill(kind, rng, length):
    return binary_bytes(rng, length) if kind == "bin" else text_bytes(rng, length)


def chunk_seed(file_seed, index):
    return file_seed * 1_000_003 + index


def plan_edits(rng, length, count):
    """count edits of a block of `length` bytes, as (position, deleted, inserted) in the source
    block, not overlapping (so the edited length is known before the bytes are made)."""
    edits, end = [], 0
    for at in sorted(rng.randrange(0, length + 1) for _ in range(count)):
        at = max(at, end)
        op = rng.random()
        if op < 0.45:  # a few bytes replaced (a version string, a constant)
            deleted = min(length - at, rng.randrange(1, 48))
            inserted = deleted
        elif op < 0.65:  # bytes inserted: the rest of the file shifts
            deleted, inserted = 0, rng.randrange(16, 4096)
        elif op < 0.85:  # a region deleted
            deleted, inserted = min(length - at, rng.randrange(16, 4096)), 0
        else:  # appended
            at, deleted, inserted = length, 0, rng.randrange(16, 8192)
        if at < end:  # an append after a region that reached the end
            continue
        edits.append((at, deleted, inserted))
        end = at + deleted
    return sorted(edits, reverse=True)


def apply_edits(kind, data, edits, seed):
    rng = random.Random(seed)
    data = bytearray(data)
    for at, deleted, inserted in edits:  # back to front: positions stay valid
        data[at:at + deleted] = fill(kind, rng, inserted)
    return bytes(data)


def edited_length(length, edits):
    return length + sum(inserted - deleted for _, deleted, inserted in edits)


class FileContent:
    """A regular file's bytes: kind (txt, bin, gz), its own seed, the size of its
    unedited content and, in the target, edits per 1 MiB chunk."""

    def __init__(self, kind, seed, size, edits=None):
        self.kind, self.seed, self.size, self.edits = kind, seed, size, edits or {}

    def edited(self, rng, max_edits=4):
        if self.kind == "gz":  # edited as text, then gzip'd again
            return FileContent(self.kind, self.seed, self.size, {0: plan_edits(rng, self.size, rng.randrange(1, max_edits + 1))})
        chunks = max(1, math.ceil(self.size / CHUNK))
        edits = dict(self.edits)
        for index in rng.sample(range(chunks), min(chunks, rng.randrange(1, 3))):
            length = min(CHUNK, self.size - index * CHUNK) if self.size else 0
            edits[index] = plan_edits(rng, length, rng.randrange(1, max_edits + 1))
        return FileContent(self.kind, self.seed, self.size, edits)

    def gzipped(self):
        raw = text_bytes(random.Random(chunk_seed(self.seed, 0)), self.size)
        if 0 in self.edits:
            raw = apply_edits("txt", raw, self.edits[0], chunk_seed(self.seed, 1 << 30))
        return gzip.compress(raw, 9, mtime=0)

    def chunks(self):
        if self.kind == "gz":  # mostly small: generated whole, then gzip'd like `gzip -9n`
            data = getattr(self, "gz", None) or self.gzipped()
            self.gz = None  # computed once for stored_size(), then let go
            yield data
            return
        for index in range(max(1, math.ceil(self.size / CHUNK))):
            length = min(CHUNK, self.size - index * CHUNK)
            data = fill(self.kind, random.Random(chunk_seed(self.seed, index)), length)
            if index in self.edits:
                data = apply_edits(self.kind, data, self.edits[index], chunk_seed(self.seed, (1 << 30) + index))
            yield data

    def stored_size(self):
        if self.kind == "gz":
            self.gz = self.gzipped()
            return len(self.gz)
        total = 0
        for index in range(max(1, math.ceil(self.size / CHUNK))):
            length = min(CHUNK, self.size - index * CHUNK)
            total += edited_length(length, self.edits.get(index, []))
        return total


class ChunkReader:
    """A file object over FileContent.chunks() for tarfile.addfile."""

    def __init__(self, content):
        self.parts, self.part, self.at = content.chunks(), b"", 0

    def read(self, n):
        out = []
        while n > 0:
            if self.at == len(self.part):
                self.part, self.at = next(self.parts, None), 0
                if self.part is None:
                    self.part = b""
                    break
            piece = self.part[self.at:self.at + n]
            self.at += len(piece)
            n -= len(piece)
            out.append(piece)
        return b"".join(out)


# ---------------------------------------------------------------------------
# The source image's plan
# ---------------------------------------------------------------------------

AREAS_VERSIONED = ["opt/app/lib", "opt/app/plugins", "usr/local/lib/node_modules/.store"]
AREAS_PLAIN = ["usr/lib", "usr/share", "srv/data", "usr/local/share"]
SUBDIRS = ["", "bin", "lib", "lib/native", "share", "share/doc", "share/locale", "src", "src/main", "src/util",
           "include", "conf", "data", "assets", "assets/img", "test"]
TEXT_EXTS = [".py", ".js", ".h", ".c", ".txt", ".conf", ".md", ".json", ".xml", ".html", ".properties"]
BIN_EXTS = [".so", ".bin", ".dat", ".class", ".idx", ".pak", ".db"]


class Entry:
    """One tar member: a regular file (content), a symlink (link) or a hard link (hardlink)."""

    def __init__(self, path, mode=0o644, uid=0, mtime=T_SOURCE, content=None, link=None, hardlink=None):
        self.path, self.mode, self.uid, self.mtime = path, mode, uid, mtime
        self.content, self.link, self.hardlink = content, link, hardlink

    def copy(self, **changes):
        entry = Entry(self.path, self.mode, self.uid, self.mtime, self.content, self.link, self.hardlink)
        for key, value in changes.items():
            setattr(entry, key, value)
        return entry


class Package:
    def __init__(self, name, area, version, versioned, uid, mtime):
        self.name, self.area, self.version, self.versioned = name, area, version, versioned
        self.uid, self.mtime = uid, mtime
        self.files = []  # (relative path, FileContent, mode)
        self.hardlinks = []  # (relative link path, relative target path)

    def root(self, version=None):
        version = version or self.version
        return f"{self.area}/{self.name}-{version}" if self.versioned else f"{self.area}/{self.name}"

    def bytes(self):
        return sum(content.size for _, content, _ in self.files)


def word(rng):
    return rng.choice(WORDS)


def file_name(rng, kind, taken):
    while True:
        stem = word(rng) + (("_" + word(rng)) if rng.random() < 0.5 else "")
        ext = ".gz" if kind == "gz" else rng.choice(BIN_EXTS if kind == "bin" else TEXT_EXTS)
        if kind == "gz":
            stem += rng.choice([".1", ".txt", ".log", ".json"])
        name = stem + ext
        if name not in taken:
            taken.add(name)
            return name


def plan_source(seed, total_bytes, file_count):
    rng = random.Random(seed)
    # Sizes: log-normal small files (median ~4 KB) take 45 % of the bytes, one big file
    # in 2000 (tens to hundreds of MB: bundles, libraries, data) the rest.
    big_count = max(2, file_count // 2000)
    small = [rng.lognormvariate(math.log(4000), 1.8) for _ in range(file_count - big_count)]
    scale = 0.45 * total_bytes / sum(small)
    small = [int(s * scale) for s in small]
    weights = [rng.random() + 0.2 for _ in range(big_count)]
    rest = total_bytes - sum(small)
    big = [int(rest * w / sum(weights)) for w in weights]

    packages, names = [], set()
    sizes = small[:]
    rng.shuffle(sizes)
    next_seed = 1
    while sizes:
        while True:
            name = word(rng) + "-" + word(rng)
            if name not in names:
                names.add(name)
                break
        versioned = rng.random() < 0.5
        area = rng.choice(AREAS_VERSIONED if versioned else AREAS_PLAIN)
        version = f"{rng.randrange(0, 12)}.{rng.randrange(0, 30)}.{rng.randrange(0, 20)}"
        package = Package(name, area, version, versioned, 1000 if area.startswith("srv") else 0,
                          T_SOURCE - rng.randrange(0, 400) * 86400)
        subdirs = rng.sample(SUBDIRS, rng.randrange(1, 6))
        taken = {}
        # Mostly tens of files, now and then thousands (a framework, a locale tree).
        count = min(len(sizes), max(1, int(rng.paretovariate(1.3) * 25)), max(20, file_count // 40))
        for size in sizes[:count]:
            roll = rng.random()
            kind = "gz" if roll < 0.05 else "bin" if roll < 0.4 else "txt"
            subdir = rng.choice(subdirs)
            name_ = file_name(rng, kind, taken.setdefault(subdir, set()))
            mode = 0o755 if subdir == "bin" or name_.endswith(".so") else 0o644
            package.files.append(((subdir + "/" if subdir else "") + name_, FileContent(kind, next_seed, size), mode))
            next_seed += 1
        sizes = sizes[count:]
        executables = [path for path, _, mode in package.files if path.startswith("bin/")]
        if executables and rng.random() < 0.3:
            package.hardlinks.append((executables[0] + "-" + version, executables[0]))
        packages.append(package)
    for size in big:
        package = rng.choice(packages)
        kind = "bin" if rng.random() < 0.7 else "txt"
        name_ = file_name(rng, kind, set(path for path, _, _ in package.files))
        package.files.append(("data/" + name_ if kind == "bin" else "assets/" + name_, FileContent(kind, next_seed, size), 0o644))
        next_seed += 1
    return packages


def package_entries(package, version=None, mtime=None, files=None, hardlinks=None):
    """The tar members of a package (without directories), as a dict path -> Entry."""
    root = package.root(version)
    mtime = mtime or package.mtime
    entries = {}
    for relative, content, mode in (files if files is not None else package.files):
        if isinstance(content, tuple):  # (content, mtime) for per-file mtimes in the target
            content, file_mtime = content
        else:
            file_mtime = mtime
        entries[f"{root}/{relative}"] = Entry(f"{root}/{relative}", mode, package.uid, file_mtime, content)
    for relative, target in (hardlinks if hardlinks is not None else package.hardlinks):
        if f"{root}/{target}" in entries:
            entries[f"{root}/{relative}"] = Entry(f"{root}/{relative}", 0o755, package.uid, mtime, hardlink=f"{root}/{target}")
    libraries = sorted(p for p in entries if p.endswith(".so") and entries[p].content)
    if libraries:
        link = f"{root}/lib{package.name}.so"
        entries[link] = Entry(link, 0o777, package.uid, mtime, link=os.path.basename(libraries[0]) if
                              os.path.dirname(libraries[0]) == root else os.path.relpath(libraries[0], root))
    if package.versioned:
        current = f"{package.area}/{package.name}"
        entries[current] = Entry(current, 0o777, package.uid, mtime, link=os.path.basename(root))
    return entries


# ---------------------------------------------------------------------------
# The target: the source moved on by one release
# ---------------------------------------------------------------------------

def target_entries(seed, package, new_seeds):
    rng = random.Random(seed * 7919 + hash_name(package.name))
    if package.versioned and rng.random() < 0.03:
        # A version bump: every file moves to the new directory; a tenth edited, a few added and dropped.
        major, minor, patch = package.version.split(".")
        version = f"{major}.{minor}.{int(patch) + 1}"
        files = []
        for relative, content, mode in package.files:
            if rng.random() < 0.01:
                continue
            if rng.random() < 0.10:
                content = content.edited(rng)
            files.append((relative, content, mode))
        for _ in range(max(1, len(package.files) // 50)):
            files.append(new_file(rng, new_seeds, set(r for r, _, _ in files)))
        return package_entries(package, version, T_TARGET, files)
    files = []
    for relative, content, mode in package.files:
        roll = rng.random()
        if roll < 0.003:  # deleted
            continue
        if roll < 0.018:  # edited
            files.append((relative, (content.edited(rng), T_TARGET), mode))
        elif roll < 0.020:  # renamed within the package
            stem, ext = os.path.splitext(relative)
            files.append((stem + "_" + word(rng) + ext, (content, T_TARGET), mode))
        else:
            files.append((relative, content, mode))
    if rng.random() < 0.05:
        taken = set(r for r, _, _ in files)
        for _ in range(max(1, len(package.files) // 30)):
            relative, content, mode = new_file(rng, new_seeds, taken)
            files.append((relative, (content, T_TARGET), mode))
    return package_entries(package, files=files)


def new_file(rng, new_seeds, taken):
    kind = "gz" if rng.random() < 0.05 else "bin" if rng.random() < 0.4 else "txt"
    subdir = rng.choice(SUBDIRS)
    while True:
        relative = (subdir + "/" if subdir else "") + file_name(rng, kind, set())
        if relative not in taken:
            taken.add(relative)
            break
    new_seeds[0] += 1
    return relative, FileContent(kind, new_seeds[0], int(rng.lognormvariate(math.log(4000), 1.8))), 0o644


def hash_name(name):
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:6], "big")


# ---------------------------------------------------------------------------
# Writing an OCI image layout
# ---------------------------------------------------------------------------

class DigestingWriter:
    """Passes the uncompressed layer tar to the compressor while hashing it (the diff_id)."""

    def __init__(self, sink):
        self.sink, self.sha, self.size = sink, hashlib.sha256(), 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        self.sink.write(data)
        return len(data)


def compressor():
    # -n: no name and no time in the header, so the blobs are the same on every run. Level 3:
    # within 3 % of level 6's size on this content for a third of its CPU (generating 10 GB
    # twice is mostly compression).
    if shutil.which("pigz"):
        return ["pigz", "-3", "-n", "-c"]
    return ["gzip", "-3", "-n", "-c"]


def directory_entries(paths, mtimes):
    dirs = set()
    for path in paths:
        parent = os.path.dirname(path)
        while parent and parent not in dirs:
            dirs.add(parent)
            parent = os.path.dirname(parent)
    return {d: Entry(d, 0o755, 0, mtimes.get(d, T_SOURCE)) for d in dirs}


def write_layer(blobs, entries):
    """entries: path -> Entry. Returns (diff_id, blob digest, blob size, tar size)."""
    touched = {}
    for entry in entries.values():
        if entry.mtime == T_TARGET:
            parent = os.path.dirname(entry.path)
            touched[parent] = T_TARGET
    members = dict(directory_entries(entries.keys(), touched))
    members.update(entries)
    # Parents before children; hard links after the file they name.
    order = sorted((p for p in members if not members[p].hardlink), key=lambda p: p.split("/"))
    order += sorted(p for p in members if members[p].hardlink)
    temporary = os.path.join(blobs, f".layer.{os.getpid()}.tmp")
    with open(temporary, "wb") as out:
        proc = subprocess.Popen(compressor(), stdin=subprocess.PIPE, stdout=out)
        writer = DigestingWriter(proc.stdin)
        with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT, bufsize=1 << 20) as tar:
            tar.copybufsize = 1 << 20
            for path in order:
                entry = members[path]
                info = tarfile.TarInfo(path)
                info.mode, info.uid, info.gid, info.mtime = entry.mode, entry.uid, entry.uid, entry.mtime
                info.uname = info.gname = ""
                if entry.content is None and entry.link is None and entry.hardlink is None:
                    info.type = tarfile.DIRTYPE
                    tar.addfile(info)
                elif entry.link is not None:
                    info.type, info.linkname = tarfile.SYMTYPE, entry.link
                    tar.addfile(info)
                elif entry.hardlink is not None:
                    info.type, info.linkname = tarfile.LNKTYPE, entry.hardlink
                    tar.addfile(info)
                else:
                    info.size = entry.content.stored_size()
                    tar.addfile(info, ChunkReader(entry.content))
        proc.stdin.close()
        if proc.wait() != 0:
            raise SystemExit(f"bench-scale-images: {compressor()[0]} failed writing a layer")
    sha, size = hashlib.sha256(), 0
    with open(temporary, "rb") as f:
        while block := f.read(1 << 22):
            sha.update(block)
            size += len(block)
    digest = "sha256:" + sha.hexdigest()
    os.replace(temporary, os.path.join(blobs, sha.hexdigest()))
    return "sha256:" + writer.sha.hexdigest(), digest, size, writer.size


def write_blob(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)


def write_image(layout, layers, created, description):
    """layers: list of dicts path -> Entry, bottom first."""
    blobs = os.path.join(layout, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    diff_ids, descriptors, history = [], [], []
    for number, entries in enumerate(layers, 1):
        started = time.monotonic()
        diff_id, digest, size, tar_size = write_layer(blobs, entries)
        diff_ids.append(diff_id)
        descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size})
        history.append({"created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
                        "created_by": f"COPY layer{number}/ / # bench scale pair, {len(entries)} entries"})
        print(f"  {os.path.basename(os.path.dirname(layout))} layer {number}/{len(layers)}: {len(entries)} entries, "
              f"{tar_size / 1e6:.0f} MB tar, {size / 1e6:.0f} MB gzip'd, {time.monotonic() - started:.0f} s", flush=True)
    config = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
        "architecture": "amd64",
        "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                   "Cmd": ["/bin/sh"], "WorkingDir": "/opt/app",
                   "Labels": {"org.opencontainers.image.description": description}},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    config_digest, config_size = write_blob(blobs, json.dumps(config, separators=(",", ":")).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest,
                           "size": config_size},
                "layers": descriptors}
    manifest_digest, manifest_size = write_blob(blobs, json.dumps(manifest, separators=(",", ":")).encode())
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest,
                            "size": manifest_size, "annotations": {"org.opencontainers.image.ref.name": "img"}}]}
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f, separators=(",", ":"))


def split_layers(packages, total_bytes):
    """Consecutive packages per layer, ~1 GB each (at least 3 layers)."""
    count = max(3, round(total_bytes / 1e9))
    layers, current, done = [[] for _ in range(count)], 0, 0
    for package in packages:
        layers[current].append(package)
        done += package.bytes()
        if done >= (current + 1) * total_bytes / count and current < count - 1:
            current += 1
    return [layer for layer in layers if layer]


def main(argv):
    if argv[1:] == ["--version"]:
        print(VERSION)
        return 0
    if len(argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    out, total_bytes, file_count = argv[1], int(float(argv[2])), int(argv[3])
    seed = int(argv[4]) if len(argv) == 5 else 12
    if total_bytes < 10_000_000 or file_count < 100:
        sys.stderr.write("bench-scale-images: give at least 10 MB and 100 files\n")
        return 2
    packages = plan_source(seed, total_bytes, file_count)
    layers = split_layers(packages, total_bytes)
    files = sum(len(p.files) for p in packages)
    print(f"  plan: {len(packages)} packages, {files} files, {len(layers)} layers", flush=True)
    source = [dict(kv for p in layer for kv in package_entries(p).items()) for layer in layers]
    write_image(os.path.join(out, "source", "oci"), source, T_SOURCE, "deltaimage bench scale pair: source")
    del source
    new_seeds = [10 ** 12]  # added files' seeds: content the source does not hold
    target = []
    for number, layer in enumerate(layers):
        entries = {}
        for package in layer:
            entries.update(target_entries(seed, package, new_seeds))
        if number == len(layers) - 1:
            # One new package in the release.
            rng = random.Random(seed * 31 + 1)
            package = Package("scale-newcomer", "opt/app/lib", "1.0.0", True, 0, T_TARGET)
            taken = set()
            for _ in range(max(1, files // 300)):
                package.files.append(new_file(rng, new_seeds, taken))
            entries.update(package_entries(package, mtime=T_TARGET))
        target.append(entries)
    write_image(os.path.join(out, "target", "oci"), target, T_TARGET, "deltaimage bench scale pair: target")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
