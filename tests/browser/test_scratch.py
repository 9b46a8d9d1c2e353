import json, time
import pytest
from tests.browser.conftest import AXE
pytestmark = pytest.mark.browser

def test_scratch(open_session):
    s = open_session()
    s.context.add_init_script(path=str(AXE))
    t=time.time()
    s.page.goto(s.url("/?lang=en"))
    print("url", s.page.url, time.time()-t)
    t=time.time()
    r = s.page.evaluate("""async () => { const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa','best-practice']}}); return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)})); }""")
    print("axe", time.time()-t, json.dumps(r, indent=1))
    print(s.csp_violations(), s.problems.messages)
