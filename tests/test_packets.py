"""Packet assembly: answers out of the student edition, unique anchors, links that still work."""

from __future__ import annotations

from metdocs.pages.packets import ANSWER_END, ANSWER_START, WEB_END, WEB_START, Piece, assemble, url_dir

DRILL = (f'<h1 id="title">Drill</h1><p>See <a href="../../cpt/97110/">97110</a> and <a href="#title">top</a>.</p>'
         f'{ANSWER_START}<details class="success"><p>The secret</p></details>{ANSWER_END}')


def test_student_edition_drops_answers_instructor_prints_them_open():
    piece = Piece("d1", "drills/d1", DRILL)
    student = assemble([piece], "print/student", answers=False)
    instructor = assemble([piece], "print/instructor", answers=True)
    assert "The secret" not in student and "The secret" in instructor
    assert "<details open" in instructor


def test_anchors_are_prefixed_and_links_rewritten():
    out = assemble([Piece("d1", "drills/d1", DRILL), Piece("d2", "drills/d2", DRILL)], "print/student",
                   answers=False)
    assert 'id="d1--title"' in out and 'id="d2--title"' in out
    assert 'href="#d1--title"' in out
    assert 'href="../../cpt/97110/"' in out


def test_links_from_a_shallower_page_are_rewritten():
    piece = Piece("c", url_dir("cases/c.html"), '<a href="../cpt/97110.html#x">x</a><img src="../assets/i.png">')
    out = assemble([piece], url_dir("print/student/index.html"), answers=False)
    assert 'href="../../cpt/97110.html#x"' in out and 'src="../../assets/i.png"' in out


def test_external_links_unchanged():
    out = assemble([Piece("c", "cases/c", '<a href="https://example.org/a">a</a>')], "print/x", answers=False)
    assert 'href="https://example.org/a"' in out


def test_same_depth_shortcut_equals_the_general_rewrite():
    """Links that climb to the site root are kept as they are from a folder as deep; the rest are rewritten."""
    urls = ["../../cpt/97110/", "../../standards/#rule", "../../", "../../#x", "../../../up/", "../sibling/",
            "../../a/../b/", "./here/", "img.png"]
    html = "".join(f'<a href="{u}">x</a>' for u in urls)
    out = assemble([Piece("c", "cases/c", html)], "print/student", answers=False)
    via_shallower = assemble([Piece("c", "cases/c", html)], "print", answers=False)
    assert out.count('href="../../cpt/97110/"') == 1 and 'href="../../standards/#rule"' in out
    assert 'href="../sibling/"' not in out and 'href="../../cases/sibling/"' in out
    assert 'href="../cpt/97110/"' in via_shallower and 'href="../../cpt/97110/"' not in via_shallower
    assert 'href="../../cases/c/here/"' in out and 'href="../../cases/c/img.png"' in out


def test_web_only_parts_are_in_neither_edition():
    """A drill's interactive audit carries its answers in its data: no packet prints it."""
    html = (f'<p>Record</p>{WEB_START}<div data-metdocs-drill="{{&quot;key&quot;: [&quot;The secret&quot;]}}">'
            f'<label for="dq-rule">Rule</label></div>{WEB_END}<p>After</p>')
    for answers in (False, True):
        out = assemble([Piece("d1", "drills/d1", html)], "print/student", answers=answers)
        assert "Record" in out and "After" in out
        assert "The secret" not in out and "data-metdocs-drill" not in out and "dq-rule" not in out


def test_fill_puts_each_case_in_its_slot_one_at_a_time_from_disk(tmp_path):
    """A volume's slots are filled from the case pages kept on disk (site/pieces.py), each read
    when its slot comes: never the whole packet's cases in memory at once."""
    from metdocs.pages.packets import fill, slot
    from metdocs.site.pieces import Spool
    spool = Spool()
    try:
        spool.put("drills/d1.md", Piece("d1", "drills/d1", DRILL))
        spool.put("cases/c1.md", Piece("c1", "cases/c1", '<p id="x">Case one</p>'))
        assert len(list(spool.folder.iterdir())) == 2
        page = f"<main>{slot('cases/c1.md', 'c1')}\n{slot('drills/d1.md', 'd1')}\n{slot('cases/gone.md', 'gone')}</main>"
        asked = []

        def prepared(path):
            asked.append(path)
            return spool.prepared(path, "print/student", False)
        out = fill(page, prepared)
        assert asked == ["cases/c1.md", "drills/d1.md", "cases/gone.md"]
        assert '<section class="metdocs-packet-item" id="packet-c1" data-metdocs-piece="cases/c1.md">\n<p id="c1--x">' in out
        assert "The secret" not in out and 'id="d1--title"' in out
        assert f"{slot('cases/gone.md', 'gone')}</main>" in out  # a page not rendered leaves its slot empty
    finally:
        folder = spool.folder
        spool.close()
    assert not folder.exists()


def test_serve_keeps_each_case_as_packets_print_it_until_the_case_changes(tmp_path):
    from metdocs.site.pieces import Spool
    spool = Spool(keep_prepared=True)
    try:
        spool.put("drills/d1.md", Piece("d1", "drills/d1", DRILL))
        first = spool.prepared("drills/d1.md", "print/instructor", True)
        assert "The secret" in first and len(list(spool.folder.iterdir())) == 2
        assert spool.prepared("drills/d1.md", "print/instructor", True) == first
        spool.put("drills/d1.md", Piece("d1", "drills/d1", DRILL.replace("The secret", "Another")))
        assert len(list(spool.folder.iterdir())) == 1  # the prepared copy went with the old page
        assert "Another" in spool.prepared("drills/d1.md", "print/instructor", True)
    finally:
        spool.close()
