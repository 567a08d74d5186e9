"""A Transformer encoder, PyTorch style: does token 1 come before token 2 in a sequence of
random tokens? Order is all that matters, so the model adds learned position embeddings;
shorter sequences are padded and hidden from attention with src_key_padding_mask."""

import torch
from torch import nn

torch.manual_seed(0)
LENGTH, VOCAB = 10, 8


def make_batch(n):
    x = torch.randint(3, VOCAB, (n, LENGTH))
    lengths = torch.randint(4, LENGTH + 1, (n,))
    first = torch.randint(0, 2, (n,))  # 1: token 1 first
    for i in range(n):
        a, b = sorted(torch.randperm(int(lengths[i]))[:2].tolist())
        x[i, a], x[i, b] = (1, 2) if first[i] else (2, 1)
        x[i, int(lengths[i]) :] = 0
    return x, x == 0, first


class OrderNet(nn.Module):
    def __init__(self, d=16):
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, d)
        self.positions = nn.Embedding(LENGTH, d)
        layer = nn.TransformerEncoderLayer(d, nhead=2, dim_feedforward=32, dropout=0.0,
                                           batch_first=True)  # fmt: skip
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.out = nn.Linear(d, 2)

    def forward(self, x, padding):
        h = self.tokens(x) + self.positions(torch.arange(x.shape[1]))
        h = self.encoder(h, src_key_padding_mask=padding)
        keep = (~padding).unsqueeze(-1).float()
        return self.out((h * keep).sum(dim=1) / keep.sum(dim=1))  # mean over real tokens


model = OrderNet()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss()
x_test, pad_test, y_test = make_batch(300)
history = []
for _step in range(200):
    x, padding, y = make_batch(64)
    loss = loss_fn(model(x, padding), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    history.append(loss.item())
model.eval()
with torch.no_grad():
    accuracy = (model(x_test, pad_test).argmax(dim=1) == y_test).float().mean().item()
print(f"loss {history[0]:.3f} -> {history[-1]:.3f}, test accuracy {accuracy:.3f}")
