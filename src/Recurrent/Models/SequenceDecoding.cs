using Recurrent.Data;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The decoding strategies of the 1-N and N-M models, over any <see cref="IStepDecoder"/>: every sequence starts from
/// <c>&lt;start&gt;</c> and ends at <c>&lt;end&gt;</c> or after the length limit.
/// </summary>
/// <remarks>
/// <para>Greedy: <c>w[t+1] = argmax_v log p(v | w[≤t])</c>. Sampling: <c>w[t+1] ~ softmax(log p / τ)</c>.</para>
/// <para>
/// Beam search with width K: each source keeps its K best unfinished hypotheses by total log-probability
/// <c>Σ_t log p(w[t+1] | w[≤t])</c>; each step scores all K·V one-token extensions, moves those ending in
/// <c>&lt;end&gt;</c> to the finished list and keeps the K best others. A source stops when it has K finished
/// hypotheses, or when its best finished one scores at least its best unfinished one (extensions only lower a score);
/// the best finished hypothesis is returned. With K = 1 it is greedy decoding.
/// </para>
/// </remarks>
internal static class SequenceDecoding
{
    /// <summary>Generates one token sequence (without start and end) per source.</summary>
    public static int[][] Decode(IStepDecoder decoder, int sources, DecodeOptions options, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int limit = options.MaxTokens ?? maxTokens;
        return options.Strategy switch
        {
            DecodeStrategy.Greedy => Walk(decoder, sources, limit, null, 1),
            DecodeStrategy.Sample => Walk(decoder, sources, limit, new Rng(options.Seed), options.Temperature),
            DecodeStrategy.Beam => Beam(decoder, sources, limit, options.BeamWidth),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"unknown strategy {options.Strategy}."),
        };
    }

    /// <summary>Greedy decoding (<paramref name="rng"/> null) or sampling at temperature τ.</summary>
    private static int[][] Walk(IStepDecoder decoder, int sources, int maxTokens, Rng? rng, double temperature)
    {
        int v = decoder.Vocabulary;
        decoder.Start(1);
        var tokens = new int[sources];
        Array.Fill(tokens, TokenVocabulary.StartId);
        var logp = new double[sources * v];
        var weights = new double[v];
        var output = new List<int>[sources];
        for (int s = 0; s < sources; s++) output[s] = [];
        var done = new bool[sources];
        int remaining = sources;
        while (remaining > 0)
        {
            decoder.Step(tokens, logp);
            for (int s = 0; s < sources; s++)
            {
                if (done[s]) continue;
                var row = logp.AsSpan(s * v, v);
                int next = rng is null ? TensorPrimitives.IndexOfMax<double>(row) : Draw(rng, row, temperature, weights);
                if (next == TokenVocabulary.EndId || output[s].Count == maxTokens)
                {
                    done[s] = true;
                    remaining--;
                    continue;
                }
                output[s].Add(next);
                tokens[s] = next;
            }
        }
        return [.. output.Select(o => o.ToArray())];
    }

    private static int Draw(Rng rng, ReadOnlySpan<double> logp, double temperature, double[] weights)
    {
        var w = weights.AsSpan(0, logp.Length);
        TensorPrimitives.Divide(logp, temperature, w);
        TensorPrimitives.Subtract(w, TensorPrimitives.Max<double>(w), w); // the largest weight is e⁰ = 1: no underflow to 0/0
        TensorPrimitives.Exp(w, w);
        TensorPrimitives.Divide(w, TensorPrimitives.Sum<double>(w), w);
        double u = rng.NextDouble(), sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            sum += w[i];
            if (u < sum) return i;
        }
        return w.Length - 1;
    }

    private static int[][] Beam(IStepDecoder decoder, int sources, int maxTokens, int width)
    {
        int v = decoder.Vocabulary, rows = sources * width;
        decoder.Start(width);
        var tokens = new int[rows];
        Array.Fill(tokens, TokenVocabulary.StartId);
        var scores = new double[rows];
        var hypotheses = new List<int>[rows];
        for (int r = 0; r < rows; r++)
        {
            hypotheses[r] = [];
            scores[r] = r % width == 0 ? 0 : double.NegativeInfinity; // one live hypothesis per source at first
        }
        var finished = new List<(double Score, int[] Tokens)>[sources];
        for (int s = 0; s < sources; s++) finished[s] = [];
        var done = new bool[sources];
        var logp = new double[rows * v];
        var parents = new int[rows];
        var nextTokens = new int[rows];
        var nextScores = new double[rows];
        var nextHypotheses = new List<int>[rows];
        var candidates = new List<(double Score, int Row, int Token)>(width * v);

        for (int step = 0; step <= maxTokens && done.Contains(false); step++)
        {
            decoder.Step(tokens, logp);
            for (int s = 0; s < sources; s++)
            {
                int first = s * width;
                if (done[s])
                {
                    for (int k = 0; k < width; k++) (parents[first + k], nextTokens[first + k], nextScores[first + k], nextHypotheses[first + k]) = (first + k, tokens[first + k], scores[first + k], hypotheses[first + k]);
                    continue;
                }
                if (step == maxTokens)
                {
                    // The length limit: every live hypothesis ends here, scored as if it wrote <end>.
                    for (int k = 0; k < width; k++)
                    {
                        int row = first + k;
                        if (!double.IsNegativeInfinity(scores[row])) finished[s].Add((scores[row] + logp[row * v + TokenVocabulary.EndId], [.. hypotheses[row]]));
                    }
                    done[s] = true;
                    for (int k = 0; k < width; k++) (parents[first + k], nextTokens[first + k], nextScores[first + k], nextHypotheses[first + k]) = (first + k, tokens[first + k], scores[first + k], hypotheses[first + k]);
                    continue;
                }
                candidates.Clear();
                for (int k = 0; k < width; k++)
                {
                    int row = first + k;
                    if (double.IsNegativeInfinity(scores[row])) continue;
                    for (int token = 0; token < v; token++) candidates.Add((scores[row] + logp[row * v + token], row, token));
                }
                candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
                int live = 0;
                foreach (var (score, row, token) in candidates)
                {
                    if (token == TokenVocabulary.EndId)
                    {
                        finished[s].Add((score, [.. hypotheses[row]]));
                        if (finished[s].Count >= width) break;
                        continue;
                    }
                    int slot = first + live;
                    (parents[slot], nextTokens[slot], nextScores[slot]) = (row, token, score);
                    nextHypotheses[slot] = [.. hypotheses[row], token];
                    if (++live == width) break;
                }
                for (int k = live; k < width; k++) (parents[first + k], nextTokens[first + k], nextScores[first + k], nextHypotheses[first + k]) = (first, TokenVocabulary.EndId, double.NegativeInfinity, []);
                double bestLive = live > 0 ? nextScores[first] : double.NegativeInfinity;
                done[s] = finished[s].Count >= width || (finished[s].Count > 0 && finished[s].Max(f => f.Score) >= bestLive);
            }
            decoder.Reorder(parents);
            (tokens, nextTokens) = (nextTokens, tokens);
            (scores, nextScores) = (nextScores, scores);
            (hypotheses, nextHypotheses) = (nextHypotheses, hypotheses);
        }

        var result = new int[sources][];
        for (int s = 0; s < sources; s++)
        {
            result[s] = finished[s].Count > 0
                ? finished[s].MaxBy(f => f.Score).Tokens
                : [.. hypotheses[s * width]];
        }
        return result;
    }
}
