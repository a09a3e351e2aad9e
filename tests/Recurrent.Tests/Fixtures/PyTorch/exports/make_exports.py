#!/usr/bin/python3
"""Writes the extra torch.onnx.export graphs the importer's tests read (TorchExportTests), beside this script, with real
torch (Debian's python3-torch 1.13):  /usr/bin/python3 tests/Recurrent.Tests/Onnx/Import/TorchExports/make_exports.py

They cover what the lead's Fixtures/PyTorch cases do not: weights sliced and concatenated by torch when it does not fold
constants (do_constant_folding=False), initial states given as graph inputs, older opsets (9: Slice and Unsqueeze with
attributes; 11), a classifier on h_n[-1], and one on cat([h_n[-2], h_n[-1]], 1). NAME.json holds the inputs and
torch's outputs as {"shape", "values"}. Seeded, so a rerun writes the same numbers.
"""
import json
import os

import torch
import torch.nn as nn

os.chdir(os.path.dirname(os.path.abspath(__file__)))
torch.manual_seed(0)
def t(x): return {"shape": list(x.shape), "values": x.detach().reshape(-1).tolist()}
cases = {}
# 1. LSTM 2 layers bidir batch_first with h0/c0 inputs, no constant folding
class M1(nn.Module):
    def __init__(s): super().__init__(); s.rnn = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    def forward(s, x, h0, c0): return s.rnn(x, (h0, c0))
m = M1().eval(); x = torch.randn(2, 5, 3); h0 = torch.randn(4, 2, 4); c0 = torch.randn(4, 2, 4)
torch.onnx.export(m, (x, h0, c0), "lstm_states_nofold.onnx", input_names=["x", "h0", "c0"], output_names=["output", "h_n", "c_n"], opset_version=14, do_constant_folding=False,
                  dynamic_axes={"x": {0: "b", 1: "t"}, "h0": {1: "b"}, "c0": {1: "b"}})
o, (hn, cn) = m(x, h0, c0)
json.dump({"x": t(x), "h0": t(h0), "c0": t(c0), "output": t(o), "h_n": t(hn), "c_n": t(cn)}, open("lstm_states_nofold.json", "w"))
# 2. GRU classifier on h_n[-1], 2 layers, opset 11, no folding
class M2(nn.Module):
    def __init__(s): super().__init__(); s.emb = nn.Embedding(7, 5); s.gru = nn.GRU(5, 6, num_layers=2, batch_first=True); s.fc = nn.Linear(6, 3)
    def forward(s, ids): _, h = s.gru(s.emb(ids)); return s.fc(h[-1])
m = M2().eval(); ids = torch.randint(0, 7, (3, 4))
torch.onnx.export(m, (ids,), "gru_hn_nofold.onnx", input_names=["ids"], output_names=["logits"], opset_version=11, do_constant_folding=False, dynamic_axes={"ids": {0: "b", 1: "t"}})
json.dump({"ids": t(ids), "logits": t(m(ids))}, open("gru_hn_nofold.json", "w"))
# 3. bidirectional LSTM classifier on cat(h_n[-2], h_n[-1])
class M3(nn.Module):
    def __init__(s): super().__init__(); s.rnn = nn.LSTM(3, 4, bidirectional=True, batch_first=True); s.fc = nn.Linear(8, 2)
    def forward(s, x): _, (h, c) = s.rnn(x); return s.fc(torch.cat([h[-2], h[-1]], dim=1))
m = M3().eval(); x = torch.randn(2, 5, 3)
torch.onnx.export(m, (x,), "lstm_cat_hn.onnx", input_names=["x"], output_names=["logits"], opset_version=14, dynamic_axes={"x": {0: "b", 1: "t"}})
json.dump({"x": t(x), "logits": t(m(x))}, open("lstm_cat_hn.json", "w"))
# 4. RNN relu opset 9 (Slice attrs, Unsqueeze attrs)
class M4(nn.Module):
    def __init__(s): super().__init__(); s.rnn = nn.RNN(3, 4, num_layers=2, nonlinearity="relu")
    def forward(s, x): return s.rnn(x)
m = M4().eval(); x = torch.randn(5, 2, 3)
torch.onnx.export(m, (x,), "rnn_opset9.onnx", input_names=["x"], output_names=["output", "h_n"], opset_version=9, do_constant_folding=False, dynamic_axes={"x": {0: "t", 1: "b"}})
o, hn = m(x)
json.dump({"x": t(x), "output": t(o), "h_n": t(hn)}, open("rnn_opset9.json", "w"))
