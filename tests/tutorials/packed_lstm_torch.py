"""Variable-length sequences with an LSTM, PyTorch style: does a sequence of digits hold more
7s than 3s? Sequences have 3 to 12 steps; they are padded with pad_sequence, packed with
pack_padded_sequence (so the LSTM stops at each one's end) and classified from h_n."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

torch.manual_seed(0)


def make_batch(n):
    seqs, labels = [], []
    for _ in range(n):
        length = int(torch.randint(3, 13, (1,)).item())
        digits = torch.randint(0, 10, (length,))
        seqs.append(digits)
        labels.append(int((digits == 7).sum() > (digits == 3).sum()))
    lengths = torch.tensor([len(s) for s in seqs])
    return pad_sequence(seqs, batch_first=True), lengths, torch.tensor(labels)


class Counter(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 8)
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.out = nn.Linear(16, 2)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.embed(x), lengths, batch_first=True,
                                      enforce_sorted=False)  # fmt: skip
        _, (h_n, _) = self.lstm(packed)
        return self.out(h_n[-1])


model = Counter()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
x_test, len_test, y_test = make_batch(300)
history = []
for _step in range(150):
    x, lengths, y = make_batch(64)
    loss = loss_fn(model(x, lengths), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    history.append(loss.item())
with torch.no_grad():
    accuracy = (model(x_test, len_test).argmax(dim=1) == y_test).float().mean().item()
print(f"loss {history[0]:.3f} -> {history[-1]:.3f}, test accuracy {accuracy:.3f}")
