"""Renders the chat-template fixtures with Jinja2 as transformers' apply_chat_template does.

Writes src/test/resources/chat-templates/expected.json, which ChatTemplateTest compares
Perennial's renderer against. Needs only jinja2 (no transformers):

    python3 model/src/test/python/chat_template_reference.py

The environment mirrors transformers (4.4x-4.5x) chat_template_utils: ImmutableSandboxedEnvironment
with trim_blocks, lstrip_blocks and the loopcontrols extension; tojson as json.dumps with
ensure_ascii=False; raise_exception; the special tokens as variables; tools and documents None.
"""
import json
import pathlib

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / "resources" / "chat-templates"

SPECIALS = {
    "llama-3-instruct.jinja": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "llama-3.1-instruct.jinja": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "qwen2.5-instruct.jinja": {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"},
    "features.jinja": {"bos_token": "<s>", "eos_token": "</s>"},
}

CONVERSATIONS = [
    [{"role": "user", "content": "Question: Where is the Aldermoor lamp made?\nAnswer:"}],
    [
        {"role": "user", "content": "Question: What does the Tessen kettle cost?\nAnswer:"},
        {"role": "assistant", "content": " 85 dollars"},
    ],
    [
        {"role": "system", "content": "  You answer in one word.  "},
        {"role": "user", "content": "Quelle est la capitale? \u00e9t\u00e9 \U0001F600"},
        {"role": "assistant", "content": "Paris\n"},
        {"role": "user", "content": "  And the river?"},
    ],
    [
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "content": "Answer one"},
        {"role": "user", "content": "Q2 with {{ braces }} and {% tags %}"},
        {"role": "assistant", "content": "Answer two"},
    ],
]


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    cases = []
    for name, specials in SPECIALS.items():
        template = env.from_string((FIXTURES / name).read_text(encoding="utf-8"))
        for messages in CONVERSATIONS:
            for add_generation_prompt in (False, True):
                rendered = template.render(
                    messages=messages,
                    tools=None,
                    documents=None,
                    add_generation_prompt=add_generation_prompt,
                    **specials,
                )
                cases.append(
                    {
                        "template": name,
                        "specials": specials,
                        "messages": messages,
                        "add_generation_prompt": add_generation_prompt,
                        "rendered": rendered,
                    }
                )
    out = FIXTURES / "expected.json"
    out.write_text(json.dumps({"jinja2": jinja2.__version__, "cases": cases}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
