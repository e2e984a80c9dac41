#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""gen_fold.py — writes the Unicode folding table of collector/fold.c as a C
header, generated from the Unicode Character Database that Debian ships
(package unicode-data, /usr/share/unicode): UnicodeData.txt for general
categories, decompositions and simple lower-case mappings, PropList.txt for
the Dash and White_Space properties, DerivedCoreProperties.txt for
Default_Ignorable_Code_Point. The Makefile runs it into build/gen/.

What a code point of U+0080 and above folds to (the first rule that applies;
ASCII is handled in fold.c itself):
  * White_Space, or general category Zs, Zl, Zp   -> " "
  * Cf, other Cc, or a default-ignorable letter  -> removed (soft hyphen,
    zero-width space and joiners, bidi controls, BOM, Hangul fillers, tags)
  * Pd, or the Dash property (minus sign too)    -> "-"
  * a decomposition (compatibility or canonical, applied recursively, its
    parts folded by these same rules) that ends as ASCII only -> that ASCII:
    full-width and small forms, mathematical letters and digits, circled,
    super- and subscript forms, ligatures such as "fi"
  * otherwise: not folded; its simple lower-case mapping is kept for the
    query's lower-casing.
It deliberately does not touch anything that has no ASCII form: letters
with diacritics (ä, ß, é) stay as they are.

usage: gen_fold.py UCD_DIR > fold_table.h
"""
import os
import re
import sys

BLOCK_SHIFT = 7                 # 128 code points per second-stage block
BLOCK = 1 << BLOCK_SHIFT
MAX_CP = 0x110000
TO_MAX = 7                      # longest ASCII replacement the table can hold


def read_ranges(path, wanted):
    """The code points PropList-style file path lists for each property in wanted."""
    found = {w: set() for w in wanted}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cps, prop = [x.strip() for x in line.split(";")[:2]]
            if prop not in found:
                continue
            lo, _, hi = cps.partition("..")
            for cp in range(int(lo, 16), int(hi or lo, 16) + 1):
                found[prop].add(cp)
    return found


def read_unicode_data(path):
    """Category, decomposition (list of code points) and simple lower case per code point."""
    cat, decomp, lower = {}, {}, {}
    first = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            fl = line.rstrip("\n").split(";")
            cp = int(fl[0], 16)
            if fl[1].endswith(", First>"):
                first = cp
                continue
            if fl[1].endswith(", Last>"):
                # Ranges (CJK, Hangul, private use …) have no mappings; only the category matters.
                for c in range(first, cp + 1):
                    cat[c] = fl[2]
                continue
            cat[cp] = fl[2]
            if fl[5]:
                parts = fl[5].split()
                if parts[0].startswith("<"):
                    parts = parts[1:]
                decomp[cp] = [int(p, 16) for p in parts]
            if fl[13]:
                lower[cp] = int(fl[13], 16)
    return cat, decomp, lower


def unicode_version(ucd):
    with open(os.path.join(ucd, "DerivedAge.txt"), encoding="utf-8") as f:
        m = re.match(r"# DerivedAge-([0-9.]+)\.txt", f.readline())
    return m.group(1) if m else "unknown"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_fold.py UCD_DIR > fold_table.h")
    ucd = sys.argv[1]
    cat, decomp, lower = read_unicode_data(os.path.join(ucd, "UnicodeData.txt"))
    props = read_ranges(os.path.join(ucd, "PropList.txt"), {"Dash", "White_Space"})
    ignorable = read_ranges(os.path.join(ucd, "DerivedCoreProperties.txt"),
                            {"Default_Ignorable_Code_Point"})["Default_Ignorable_Code_Point"]
    memo = {}

    def fold(cp):
        """The ASCII string cp folds to, or None when it has no ASCII form."""
        if cp < 0x80:
            return chr(cp)
        if cp in memo:
            return memo[cp]
        c = cat.get(cp, "Cn")
        if cp in props["White_Space"] or c in ("Zs", "Zl", "Zp"):
            r = " "
        elif c in ("Cf", "Cc") or (cp in ignorable and c == "Lo"):
            r = ""
        elif c == "Pd" or cp in props["Dash"]:
            r = "-"
        elif cp in decomp:
            parts = [fold(d) for d in decomp[cp]]
            r = None if any(p is None for p in parts) else "".join(parts)
        else:
            r = None
        memo[cp] = r
        return r

    # Entry 0 means "nothing to do"; the rest are (kind, replacement or lower case).
    entries = [("none", "", 0)]
    index = {}
    values = [0] * MAX_CP
    growth = 0.0
    for cp in range(0x80, MAX_CP):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        to = fold(cp)
        utf8_len = len(chr(cp).encode("utf-8"))
        if to is not None:
            if len(to) > TO_MAX:
                sys.exit("gen_fold: U+%04X folds to %d characters, more than %d" % (cp, len(to), TO_MAX))
            key = ("fold", to, 0)
            growth = max(growth, len(to) / utf8_len)
        elif cp in lower and lower[cp] != cp:
            key = ("lower", "", lower[cp])
            growth = max(growth, len(chr(lower[cp]).encode("utf-8")) / utf8_len)
        else:
            continue
        if key not in index:
            index[key] = len(entries)
            entries.append(key)
        values[cp] = index[key]
    if growth > 1.5:
        sys.exit("gen_fold: a code point grows by %.2f, more than fold.h's FOLD_GROWTH allows" % growth)
    if len(entries) > 0xFFFF:
        sys.exit("gen_fold: too many entries for 16-bit indices")

    blocks, block_index, stage1 = [], {}, []
    for b in range(MAX_CP // BLOCK):
        blk = tuple(values[b * BLOCK:(b + 1) * BLOCK])
        if blk not in block_index:
            block_index[blk] = len(blocks)
            blocks.append(blk)
        stage1.append(block_index[blk])
    if len(blocks) > 0xFF:
        sys.exit("gen_fold: too many blocks for 8-bit stage-one entries")

    out = sys.stdout
    out.write("/* Generated by scripts/gen_fold.py from the Unicode Character Database %s\n"
              " * (Debian package unicode-data). Do not edit: edit the generator. */\n"
              % unicode_version(ucd))
    out.write("#define FOLD_UNICODE_VERSION \"%s\"\n" % unicode_version(ucd))
    out.write("#define FOLD_BLOCK_SHIFT %d\n#define FOLD_TO_MAX %d\n" % (BLOCK_SHIFT, TO_MAX))
    out.write("#define FOLD_ENTRIES %d\n\n" % len(entries))
    out.write("/* Per %d code points, the second-stage block that holds their entries. */\n" % BLOCK)
    out.write("static const uint8_t fold_stage1[%d] = {\n" % len(stage1))
    for i in range(0, len(stage1), 24):
        out.write("\t" + ", ".join(str(x) for x in stage1[i:i + 24]) + ",\n")
    out.write("};\n\n/* Per code point, its entry in fold_entries (0: none). */\n")
    out.write("static const uint16_t fold_stage2[%d][%d] = {\n" % (len(blocks), BLOCK))
    for blk in blocks:
        out.write("\t{\n")
        for i in range(0, BLOCK, 16):
            out.write("\t\t" + ", ".join(str(x) for x in blk[i:i + 16]) + ",\n")
        out.write("\t},\n")
    out.write("};\n\n")

    def c_string(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    out.write("static const struct fold_entry fold_entries[%d] = {\n" % len(entries))
    for kind, to, low in entries:
        if kind == "fold":
            out.write("\t{0, %d, %s},\n" % (len(to), c_string(to)))
        else:
            out.write("\t{0x%X, FOLD_NOT, \"\"},\n" % low)
    out.write("};\n")


if __name__ == "__main__":
    main()
