"""Print `.env.example` from the settings class: one commented line per setting."""

from common.settings import Settings


def render() -> str:
    """Every setting with its description and default, as an env file."""
    lines = ["# rehearse settings: copy to .env and adjust. Every setting has a sane default.", ""]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, bool):
            default = str(default).lower()
        lines.append(f"# {field.description}")
        lines.append(f"{name.upper()}={default}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
