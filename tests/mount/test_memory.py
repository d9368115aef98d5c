"""Memory stays level (issue 10.3): repeated `ls -l` of a 100k-entry directory
grew the daemon's RSS at every pass (glibc's per-thread arenas kept what one
request thread freed and another made again)."""
import os
import subprocess

from test_stress import rss_kb

ENTRIES = 100000
PASSES = 4


def test_rss_levels_off_over_repeated_ls_l(mount, tree):
    d = os.path.join(tree, "etc/kubernetes/big")
    os.makedirs(d)
    for i in range(ENTRIES):
        open(os.path.join(d, f"f{i:06d}"), "w").close()
    m = mount(tree)
    rss = []
    for _ in range(PASSES):
        out = subprocess.run(["ls", "-l", m.path("etc/kubernetes/big")], capture_output=True, check=True).stdout
        assert out.count(b"\n") == ENTRIES + 1
        rss.append(rss_kb(m.proc.pid))
    print("RSS after each ls -l (kB):", rss)
    # the first pass makes the nodes; the later ones may not keep adding
    assert max(rss[1:]) <= rss[0] * 1.25 + 8192, rss
