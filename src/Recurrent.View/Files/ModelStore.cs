using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.View.Files;

/// <summary>
/// The model files the view offers: the one given with <c>--model</c> (id <c>model</c>), then every <c>*.safetensors</c>
/// under the runs folder (id: its path there). A request names a model by id only, never by a path, so the view reads
/// no file it did not list. Files are loaded once and reloaded when they change; a model is used by one request at a time.
/// </summary>
internal sealed class ModelStore(string runsRoot, string? modelFile)
{
    public const string GivenId = "model";

    private const int MaxDepth = 4, MaxModels = 200;

    private readonly string _root = Path.GetFullPath(runsRoot);
    private readonly string? _given = modelFile is null ? null : Path.GetFullPath(modelFile);
    private readonly Dictionary<string, (DateTime Written, long Length, Module<float>? Model, string? Error)> _cache = [];

    /// <summary>Every model offered, described, with the reason it cannot be read where it cannot.</summary>
    public IReadOnlyList<ModelInfo> List() => Files().Select(f => Describe(f.Id, f.Path)).ToList();

    /// <summary>The char-LM <paramref name="id"/>; a 404 when no such model is offered, a 422 when it cannot be read or is another kind.</summary>
    public CharLanguageModel<float> CharModel(string? id)
    {
        if (string.IsNullOrEmpty(id)) throw new ViewException(400, "no model named; pass \"model\": an id from GET /api/models.");
        var file = Files().FirstOrDefault(f => f.Id == id);
        if (file.Path is null) throw new ViewException(404, $"no model '{id}'; GET /api/models lists the ones offered.");
        var (model, error) = Load(file.Path);
        if (model is null) throw new ViewException(422, $"model '{id}' cannot be read: {error}");
        if (model is not CharLanguageModel<float> lm) throw new ViewException(422, $"model '{id}' is a '{model.Describe()?.Kind}' model; this view reads char-LMs (recurrent charlm train).");
        if (lm.Vocabulary is null) throw new ViewException(422, $"model '{id}' has no vocabulary saved, so its ids cannot be read as characters.");
        return lm;
    }

    private ModelInfo Describe(string id, string path)
    {
        var (model, error) = Load(path);
        if (model is null) return new ModelInfo(id, path, null, null, 0, 0, 0, [], [], error);
        if (model is not CharLanguageModel<float> lm)
        {
            return new ModelInfo(id, path, model.Describe()?.Kind, null, 0, 0, 0, [], [], $"a '{model.Describe()?.Kind}' model; the Inside and Gradient views read char-LMs.");
        }
        var rnn = lm.Rnn;
        IReadOnlyList<string> gates;
        lock (lm) gates = rnn.GateNames; // the layer makes its stream kernels on first use; requests step under the same lock
        return new ModelInfo(id, path, CharLanguageModel<float>.Kind, rnn.Kind.ToString(), rnn.Spec.Layers, rnn.HiddenSize, lm.Config.VocabularySize,
            rnn.State.Select(s => s.Name).ToList(), gates, lm.Vocabulary is null ? "no vocabulary saved" : null);
    }

    private (Module<float>? Model, string? Error) Load(string path)
    {
        lock (_cache)
        {
            var info = new FileInfo(path);
            if (!info.Exists) return (null, $"'{path}' does not exist.");
            if (_cache.TryGetValue(path, out var hit) && hit.Written == info.LastWriteTimeUtc && hit.Length == info.Length) return (hit.Model, hit.Error);
            Module<float>? model = null;
            string? error = null;
            try
            {
                model = Model.Load(path);
                model.Eval();
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException or FormatException or OverflowException or InsufficientExecutionStackException or OutOfMemoryException)
            {
                error = e.Message.ReplaceLineEndings(" ");
            }
            _cache[path] = (info.LastWriteTimeUtc, info.Length, model, error);
            return (model, error);
        }
    }

    private IEnumerable<(string Id, string Path)> Files()
    {
        if (_given is not null) yield return (GivenId, _given);
        if (!Directory.Exists(_root)) yield break;
        int count = 0;
        foreach (string file in SafetensorsFiles(_root, 0))
        {
            if (file == _given) continue;
            if (++count > MaxModels) yield break;
            yield return (Path.GetRelativePath(_root, file).Replace('\\', '/'), file);
        }
    }

    private static IEnumerable<string> SafetensorsFiles(string dir, int depth)
    {
        string[] files, children;
        try
        {
            files = Directory.GetFiles(dir, "*.safetensors");
            children = depth == MaxDepth ? [] : Directory.GetDirectories(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        Array.Sort(files, StringComparer.Ordinal);
        Array.Sort(children, StringComparer.Ordinal);
        foreach (string f in files) yield return f;
        foreach (string child in children)
        {
            foreach (string f in SafetensorsFiles(child, depth + 1)) yield return f;
        }
    }
}
