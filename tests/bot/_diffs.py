"""Builders of small, well-formed git diffs for the tests of the analysis core."""

from __future__ import annotations

from collections.abc import Sequence

#: an unused C# extension method holding a fee computation: deleted whole, it is dead code taken
#: out (`bot.analysis.removal`), not a billing change
CS_UNUSED_HELPER = (
    "        public static double CalculateAdditionalFee(this IPaymentProvider payment,",
    "            double fee, bool usePercentage)",
    "        {",
    "            if (fee <= 0)",
    "                return fee;",
    "            return payment.Total * fee / 100;",
    "        }",
)


def edit(
    path: str,
    added: Sequence[str] = (),
    removed: Sequence[str] = (),
    *,
    section: str = "",
    start: int = 10,
    kept: Sequence[str] = (),
) -> str:
    """One modified file with one hunk: the `kept` lines shown unchanged, then the removed
    lines, then the added ones."""
    body = ("".join(f" {line}\n" for line in kept) + "".join(f"-{line}\n" for line in removed)
            + "".join(f"+{line}\n" for line in added))
    header = f"@@ -{start},{len(kept) + len(removed)} +{start},{len(kept) + len(added)} @@"
    if section:
        header += f" {section}"
    return (
        f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
        f"--- a/{path}\n+++ b/{path}\n{header}\n{body}"
    )


def created(path: str, lines: Sequence[str]) -> str:
    """One new file: every line added."""
    body = "".join(f"+{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..2222222\n"
        f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}"
    )


def deleted(path: str, lines: Sequence[str]) -> str:
    """One deleted file: every line removed."""
    body = "".join(f"-{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\ndeleted file mode 100644\nindex 2222222..0000000\n"
        f"--- a/{path}\n+++ /dev/null\n@@ -1,{len(lines)} +0,0 @@\n{body}"
    )


def rename(old: str, new: str) -> str:
    """A pure rename (no content change)."""
    return (
        f"diff --git a/{old} b/{new}\nsimilarity index 100%\n"
        f"rename from {old}\nrename to {new}\n"
    )


def binary(path: str) -> str:
    return (
        f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
        f"Binary files a/{path} and b/{path} differ\n"
    )
