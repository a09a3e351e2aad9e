#!/usr/bin/python3
"""Writes the PyTorch fixtures the import tests read, with real torch (Debian's python3-torch 1.13 and python3-onnx):

    apt-get install python3-torch python3-onnx
    /usr/bin/python3 tests/Recurrent.Tests/Fixtures/PyTorch/make_fixtures.py

For every case NAME it writes, beside this script:
  NAME.pt           torch.save(model.state_dict()): the zip + pickle that PyTorch users have;
  NAME.safetensors  the same tensors in safetensors (written here: the format is a JSON header and raw bytes);
  NAME.onnx         torch.onnx.export of the model (opset 14, dynamic batch and time axes);
  NAME.json         the case, its inputs and torch's outputs (tensors as {"shape", "values"}, row-major).
and evil.pt, a torch.save file whose pickle calls posix.system: a reader that runs pickles would run it.

Everything is seeded, so a rerun writes the same numbers (the .pt zips may differ in timestamps only).
"""
import json
import os
import struct

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 14


def tensor(t):
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "values": t.reshape(-1).tolist()}


def write_safetensors(state, path):
    """The safetensors layout: u64 header length, a JSON header of dtype/shape/offsets, then the tensors' bytes."""
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


class Tagger(nn.Module):
    """Embedding -> LSTM -> Linear on every step."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(11, 8)
        self.rnn = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 5)

    def forward(self, ids):
        return self.fc(self.rnn(self.emb(ids))[0])


class Classifier(nn.Module):
    """Embedding -> 2-layer GRU -> Linear on the last step."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(13, 6)
        self.gru = nn.GRU(6, 10, num_layers=2, batch_first=True)
        self.out = nn.Linear(10, 3)

    def forward(self, ids):
        return self.out(self.gru(self.embed(ids))[0][:, -1])


class FeatureTagger(nn.Module):
    """Feature vectors -> bidirectional LSTM -> Linear on every step."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(5, 7, bidirectional=True, batch_first=True)
        self.head = nn.Linear(14, 4)

    def forward(self, x):
        return self.head(self.rnn(x)[0])


class ModuleOutputs(nn.Module):
    """A bare recurrent module whose ONNX graph returns output, h_n (and c_n)."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        output, state = self.rnn(x)
        return (output, *state) if isinstance(state, tuple) else (output, state)


def run_module(rnn, x, lengths=None):
    if lengths is None:
        output, state = rnn(x)
    else:
        packed = pack_padded_sequence(x, lengths, batch_first=rnn.batch_first, enforce_sorted=False)
        output, state = rnn(packed)
        total = x.shape[1] if rnn.batch_first else x.shape[0]
        output, _ = pad_packed_sequence(output, batch_first=rnn.batch_first, total_length=total)
    h, c = state if isinstance(state, tuple) else (state, None)
    result = {"output": tensor(output), "h_n": tensor(h)}
    if c is not None:
        result["c_n"] = tensor(c)
    return result


def describe(rnn):
    return {
        "type": type(rnn).__name__,
        "input_size": rnn.input_size,
        "hidden_size": rnn.hidden_size,
        "num_layers": rnn.num_layers,
        "bidirectional": rnn.bidirectional,
        "batch_first": rnn.batch_first,
        "nonlinearity": getattr(rnn, "nonlinearity", None),
    }


def export(model, example, input_name, output_names, path):
    time_axis = 1 if input_name == "ids" or getattr(getattr(model, "rnn", None), "batch_first", True) else 0
    axes = {input_name: {0: "batch", 1: "steps"} if time_axis == 1 else {0: "steps", 1: "batch"}}
    torch.onnx.export(model, (example,), path, input_names=[input_name], output_names=output_names,
                      dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)


def save(name, model, case):
    state = model.state_dict()
    torch.save(state, os.path.join(HERE, name + ".pt"))
    write_safetensors(state, os.path.join(HERE, name + ".safetensors"))
    case = {"case": name, "torch": torch.__version__, **case}
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(case, f)
    print("wrote", name)


def module_case(name, rnn, batch=3, steps=5, lengths=(5, 2, 4)):
    rnn.eval()
    shape = (batch, steps, rnn.input_size) if rnn.batch_first else (steps, batch, rnn.input_size)
    x = torch.randn(*shape)
    lengths_t = torch.tensor(lengths, dtype=torch.int64)
    with torch.no_grad():
        outputs = run_module(rnn, x)
        packed = run_module(rnn, x, lengths_t)
    wrapper = ModuleOutputs(rnn).eval()
    names = ["output", "h_n"] + (["c_n"] if isinstance(rnn, nn.LSTM) else [])
    export(wrapper, x, "x", names, os.path.join(HERE, name + ".onnx"))
    save(name, rnn, {"kind": "module", "module": describe(rnn),
                     "inputs": {"x": tensor(x), "lengths": tensor(lengths_t)},
                     "outputs": outputs, "packed_outputs": packed})


def model_case(name, model, arch, pooling, inputs, input_name):
    model.eval()
    with torch.no_grad():
        logits = model(inputs)
    export(model, inputs, input_name, ["logits"], os.path.join(HERE, name + ".onnx"))
    rnn = next(m for m in model.modules() if isinstance(m, nn.RNNBase))
    save(name, model, {"kind": "model", "module": describe(rnn), "arch": arch, "pooling": pooling,
                       "inputs": {input_name: tensor(inputs)}, "logits": tensor(logits)})


class Evil:
    """What a malicious .pt holds: unpickling it calls posix.system."""

    def __reduce__(self):
        return (os.system, ("echo this pickle ran code",))


def main():
    torch.manual_seed(12)
    module_case("lstm_2l_bidir", nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True))
    module_case("gru_2l", nn.GRU(4, 6, num_layers=2, batch_first=True))
    module_case("rnn_tanh_bidir", nn.RNN(3, 4, bidirectional=True, batch_first=True))
    module_case("rnn_relu_tm", nn.RNN(3, 4, nonlinearity="relu"))
    module_case("lstm_tm", nn.LSTM(4, 6))
    model_case("tagger_lstm", Tagger(), "emb:Embedding, rnn:LSTM, fc:Linear", "all",
               torch.randint(0, 11, (3, 6)), "ids")
    model_case("classifier_gru", Classifier(), "embed:Embedding, gru:GRU, out:Linear", "last",
               torch.randint(0, 13, (4, 5)), "ids")
    model_case("features_lstm_bidir", FeatureTagger(), "rnn:LSTM, head:Linear", "all",
               torch.randn(2, 6, 5), "x")
    torch.save({"weight": torch.zeros(2), "payload": Evil()}, os.path.join(HERE, "evil.pt"))
    print("wrote evil")


if __name__ == "__main__":
    main()
