"""Answers as terminal text, coloured when the output is a terminal."""

from __future__ import annotations

import textwrap
from datetime import date

import click

from bot.types import Answer, Citation


def format_date(iso: str) -> str:
    """ "2021-07-13" -> "13 Jul 2021"; unknown dates stay out of the citation."""
    try:
        return date.fromisoformat(iso[:10]).strftime("%-d %b %Y")
    except ValueError:
        return iso


def citation_line(c: Citation) -> str:
    """[n] title — source, date, ¶k: the parts every surface shows."""
    where = ", ".join(x for x in (c.source, format_date(c.published), f"¶{c.paragraph}") if x)
    return f"[{c.n}] {c.title} — {where}"


def format_answer(answer: Answer, *, color: bool = False, debug: bool = False) -> str:
    style = click.style if color else (lambda text, **_: text)
    lines = [style(answer.text, bold=True)]
    if answer.note:
        lines.append(style(answer.note, fg="yellow"))
    for c in answer.citations:
        quote = textwrap.fill(
            f"“{c.quote}”", width=88, initial_indent="    ", subsequent_indent="    "
        )
        lines.append(style(quote, fg="green"))
        lines.append("    " + style(citation_line(c), fg="cyan"))
        if c.url:
            lines.append("    " + style(c.url, fg="blue", underline=True))
        for other in c.also_in:
            lines.append("    " + style(f"also in: {other}", dim=True))
    if answer.abstained and answer.passages:
        lines.append("Closest articles I have:")
        seen = set()
        for p in answer.passages:
            if p.article_id in seen:
                continue
            seen.add(p.article_id)
            when = format_date(p.published)
            lines.append(f"  - {p.title} — {', '.join(x for x in (p.source, when) if x)}")
            if len(seen) == 3:
                break
    if debug:
        lines.append(
            style(
                "timings (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in answer.timings_ms.items()),
                dim=True,
            )
        )
        if answer.resolved_question != answer.question:
            lines.append(style(f"understood as: {answer.resolved_question}", dim=True))
        if answer.reader is not None:
            r = answer.reader
            found = f"span {r.span!r}" if r.span else "no span"
            lines.append(
                style(f"reader: {found}, margin {r.margin:.2f}, score {r.score:.2f}", dim=True)
            )
        if answer.model is not None:
            m = answer.model
            lines.append(
                style(
                    f"model: {m.model}, prompt v{m.prompt_version}, best evidence "
                    f"{m.evidence_score:.2f}",
                    dim=True,
                )
            )
            for w in m.windows:
                where = "¶" + ",".join(map(str, w.paragraphs))
                lines.append(
                    style(
                        f"  read {w.article_id} {where}: said {w.reply.strip()!r} -> {w.verdict} "
                        f"({w.tokens_in} tokens in, {w.tokens_cached} cached, {w.tokens_out} out, "
                        f"{w.ms:.0f} ms)",
                        dim=True,
                    )
                )
        if answer.declined_because:
            lines.append(style(f"declined: {answer.declined_because}", dim=True))
        for i, p in enumerate(answer.passages[:5], 1):
            span = f"¶{p.paragraphs[0]}" + (f"–{p.paragraphs[-1]}" if len(p.paragraphs) > 1 else "")
            lines.append(style(f"  #{i} {p.score:.3f} {p.title[:60]} {span}", dim=True))
    return "\n".join(lines)
