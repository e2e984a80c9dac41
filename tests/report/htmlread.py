# SPDX-License-Identifier: EUPL-1.2
"""htmlread.py — reads the report's HTML back for the tests: a small element
tree from the standard library's html.parser (no third-party parser), the
text a reader sees, and the report's number formats turned back into
numbers. It asserts nothing itself."""
import html.parser
import re

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []  # Elements and strings

    def classes(self):
        return self.attrs.get("class", "").split()

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Element):
                yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [e for e in self.iter()
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes())
                and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def find(self, tag=None, cls=None, **attrs):
        hits = self.find_all(tag, cls, **attrs)
        return hits[0] if hits else None

    def text(self):
        """The text as a reader sees it, whitespace collapsed, no-break spaces as spaces."""
        parts = []
        for c in self.children:
            parts.append(c.text() if isinstance(c, Element) else c)
        return re.sub(r"\s+", " ", "".join(parts).replace("\xa0", " ")).strip()


class _Builder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        e = Element(tag, attrs, self.cur)
        self.cur.children.append(e)
        if tag not in VOID:
            self.cur = e

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Element(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        e = self.cur
        while e is not None and e.tag != tag:
            e = e.parent
        if e is None:
            raise ValueError("end tag </%s> without a start tag" % tag)
        self.cur = e.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text):
    """The element tree of an HTML document (its #document root)."""
    b = _Builder()
    b.feed(text)
    b.close()
    return b.root


def read(path):
    with open(path, encoding="utf-8") as f:
        return parse(f.read())


def de_number(s):
    """ "1.234,5" -> 1234.5 (German thousands dot, decimal comma)."""
    return float(s.replace(".", "").replace(",", "."))


def pct_text(share):
    """A share 0..1 as the German report writes it: "57,6 %" (one decimal)."""
    return de_int_text(share * 100, 1) + " %"


def de_int_text(v, decimals=0):
    """v with a German thousands dot and decimal comma, rounded as C's printf does."""
    s = "%.*f" % (decimals, v)
    whole, _, frac = s.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")
