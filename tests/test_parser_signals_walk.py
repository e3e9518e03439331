"""The page-type walk's counts on a page written for it, and the unsafe-text check on long texts."""

from __future__ import annotations

from lxml.html import document_fromstring

from broadsheet.parsers.common import safe_text
from broadsheet.parsers.html_generic import parse_tree
from broadsheet.parsers.pagetype_signals import read_dom

PAGE = """<html><head><meta property="og:type" content="Article"></head><body>
<div class="comment-list"><div class="post reply" id="answer-1">
  <span class="username">ana</span> <span class="avatar votes">3</span>
  <p>A reply of exactly seven words here.</p></div></div>
<div class="postcount">12</div>
<div class="commentary productive">not a post, not a product</div>
<div class="grid"><div class="product-card" itemprop="offers"><h3><a href="/p/1">Kettle</a></h3>
  <span class="Price">$ 25</span> <button>Add to cart</button></div>
<div class="product-card" itemprop="Offers"><h3><a href="/p/2">Toaster</a></h3>
  <span>40 €</span> <a href="tel:+100">Call us</a></div></div>
<span>$</span>9
<form><input type="text"><input type="hidden"><textarea></textarea></form>
<pre>code</pre><time>today</time><article></article>
<script>var price = "$ 99";</script>tail of a script
</body></html>"""


def test_the_walk_counts_what_the_page_holds() -> None:
    tree = parse_tree(PAGE)
    assert tree is not None
    dom = read_dom(tree)
    assert dom.og_type == "article"
    # class/id values naming posts: "comment-list", "post reply", "answer-1" (not "commentary")
    assert dom.post_classes == 3
    # "username", "avatar votes", "postcount": one each
    assert dom.forum_classes == 3
    # "product-card" twice, "Price" (not "productive")
    assert dom.product_classes == 3
    assert dom.itemprops["offers"] == 2
    assert dom.paragraphs == 1 and dom.p_words == 7 and dom.long_paragraphs == 0
    assert dom.heading_links == 2
    assert dom.buy_buttons == 1 and dom.calls_to_action == 1 and dom.phone_links == 1
    assert dom.inputs == 2  # the text field and the text area, not the hidden field
    assert (dom.code_blocks, dom.times, dom.articles) == (1, 1, 1)
    assert dom.cards == 2  # the two product cards of the grid
    # "$ 25" and "40 €"; the "$" of "<span>$</span>9" is read after its tail "9", and the
    # script's "$ 99" is not text of the page (its tail is)
    assert dom.prices == 2
    assert "tail" in " ".join(tree.itertext()) and dom.words > 30


def test_the_walk_reads_a_page_without_body() -> None:
    dom = read_dom(document_fromstring("<p>One two three</p>"))
    assert dom.p_words == 3 and dom.paragraphs == 1


def test_safe_text_checks_long_and_short_texts_alike() -> None:
    for size in (10, 10_000):
        clean = "Plain text, with an accent: café. " * (size // 30)
        assert safe_text(clean) is clean
        assert safe_text(clean + "\x07bell") == clean + "bell"
        assert safe_text("\ud800" + clean) == "\ufffd" + clean
        assert safe_text(clean + "\tkept\r\n") == clean + "\tkept\r\n"
