"""`python -m deepling`: fit y = 2x + 1 by gradient descent and print what was learned."""

import deepling as dl


def main() -> None:
    x = dl.linspace(-1, 1, 50).reshape(-1, 1)
    y = 2 * x + 1
    w = dl.zeros(1, requires_grad=True)
    b = dl.zeros(1, requires_grad=True)
    for _ in range(300):
        loss = ((x * w + b - y) ** 2).mean()
        loss.backward()
        with dl.no_grad():
            for p in (w, b):
                p -= 0.1 * p.grad
                p.grad.zero_()
    print(f"learned y = {w.item():.3f} x + {b.item():.3f} (true: 2x + 1), loss {loss.item():.2e}")


if __name__ == "__main__":
    main()
