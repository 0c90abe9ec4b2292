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
