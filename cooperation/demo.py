"""Demo content of the cooperation board (filled in below)."""


async def load_cooperation_demo() -> None:
    return None
