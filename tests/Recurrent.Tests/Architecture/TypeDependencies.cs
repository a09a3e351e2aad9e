using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Recurrent.Tests.Architecture;

/// <summary>One use of a type by another: <c>From</c> uses <c>To</c> in <c>Where</c> (a member, or "base type" …).</summary>
internal sealed record TypeUse(string From, string Where, string To)
{
    public override string ToString() => $"{From} uses {To} ({Where})";
}

/// <summary>
/// Which types each type of an assembly uses, read from its metadata and IL with System.Reflection.Metadata: base
/// types, interfaces, generic constraints, field, method and local signatures, custom attributes, catch clauses, and
/// every type, method or field token in the method bodies (calls, <c>newobj</c>, field access, casts, <c>typeof</c> …).
/// </summary>
/// <remarks>
/// Only uses of types defined in the same assembly are kept; uses of other assemblies are in
/// <see cref="AssemblyReferences"/>. Compiler-generated nested types (closures, state machines, fixed buffers) count
/// as their declaring type, whose source they come from.
/// </remarks>
internal sealed class TypeDependencies
{
    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    private readonly MetadataReader _md;
    private readonly PEReader _pe;
    private readonly NameProvider _names;
    private readonly List<TypeUse> _uses = [];

    /// <summary>Every use of one of the assembly's own types by another of its types.</summary>
    public IReadOnlyList<TypeUse> Uses => _uses;

    /// <summary>The names of the assemblies the assembly references.</summary>
    public IReadOnlyList<string> AssemblyReferences { get; }

    /// <summary>The full names of the types the assembly defines, nested ones included (Outer+Inner).</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>The full names of the types of other assemblies that the assembly uses.</summary>
    public IReadOnlyList<string> ReferencedTypes { get; }

    private TypeDependencies(string path)
    {
        _pe = new PEReader(File.OpenRead(path));
        _md = _pe.GetMetadataReader();
        _names = new NameProvider(_md);
        AssemblyReferences = _md.AssemblyReferences.Select(h => _md.GetString(_md.GetAssemblyReference(h).Name)).ToList();
        Types = _md.TypeDefinitions.Select(_names.Name).ToList();
        ReferencedTypes = _md.TypeReferences.SelectMany(h => _names.Of(h)).Distinct().ToList();
        foreach (var handle in _md.TypeDefinitions) Read(handle);
    }

    /// <summary>Reads the assembly at <paramref name="path"/>.</summary>
    public static TypeDependencies Load(string path)
    {
        var result = new TypeDependencies(path);
        result._pe.Dispose();
        return result;
    }

    /// <summary>The namespace of a type as written in source: a nested type's is that of its outermost declaring type.</summary>
    public static string NamespaceOf(string fullName)
    {
        string outer = fullName.Split('+')[0];
        int dot = outer.LastIndexOf('.');
        return dot < 0 ? "" : outer[..dot];
    }

    private void Read(TypeDefinitionHandle handle)
    {
        var type = _md.GetTypeDefinition(handle);
        string from = SourceType(handle);
        var own = new HashSet<string>();

        void Use(IEnumerable<string> targets, string where)
        {
            foreach (var to in targets)
            {
                string target = Outermost(to);
                if (!_names.Defined.Contains(to) || target == Outermost(from)) continue;
                if (own.Add(where + "\u0001" + target)) _uses.Add(new TypeUse(from, where, target));
            }
        }

        if (!type.BaseType.IsNil) Use(_names.Of(type.BaseType), "base type");
        foreach (var i in type.GetInterfaceImplementations())
            Use(_names.Of(_md.GetInterfaceImplementation(i).Interface), "interface");
        foreach (var g in type.GetGenericParameters()) UseConstraints(g, "generic constraint", Use);
        UseAttributes(type.GetCustomAttributes(), "attribute", Use);

        foreach (var f in type.GetFields())
        {
            var field = _md.GetFieldDefinition(f);
            string where = $"field {_md.GetString(field.Name)}";
            Use(field.DecodeSignature(_names, null), where);
            UseAttributes(field.GetCustomAttributes(), where, Use);
        }

        foreach (var m in type.GetMethods())
        {
            var method = _md.GetMethodDefinition(m);
            string where = $"method {_md.GetString(method.Name)}";
            var signature = method.DecodeSignature(_names, null);
            Use(signature.ReturnType.Concat(signature.ParameterTypes.SelectMany(p => p)), where + " signature");
            foreach (var g in method.GetGenericParameters()) UseConstraints(g, where + " generic constraint", Use);
            UseAttributes(method.GetCustomAttributes(), where, Use);
            if (method.RelativeVirtualAddress != 0) UseBody(_pe.GetMethodBody(method.RelativeVirtualAddress), where + " body", Use);
        }
    }

    private void UseConstraints(GenericParameterHandle handle, string where, Action<IEnumerable<string>, string> use)
    {
        foreach (var c in _md.GetGenericParameter(handle).GetConstraints())
            use(_names.Of(_md.GetGenericParameterConstraint(c).Type), where);
    }

    private void UseAttributes(CustomAttributeHandleCollection attributes, string where, Action<IEnumerable<string>, string> use)
    {
        foreach (var a in attributes) use(_names.Of(_md.GetCustomAttribute(a).Constructor), where + " attribute");
    }

    private void UseBody(MethodBodyBlock body, string where, Action<IEnumerable<string>, string> use)
    {
        if (!body.LocalSignature.IsNil)
        {
            var locals = _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_names, null);
            use(locals.SelectMany(l => l), where + " (locals)");
        }
        foreach (var region in body.ExceptionRegions)
            if (!region.CatchType.IsNil) use(_names.Of(region.CatchType), where + " (catch)");

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
            if (!OperandTypes.TryGetValue(value, out var operand)) throw new InvalidDataException($"{where}: unknown opcode 0x{value:x} at IL offset {il.Offset - 1}.");
            switch (operand)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch: int targets = il.ReadInt32(); il.Offset += 4 * targets; break; // read first: "Offset += …" would add to the offset before the count
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    use(_names.Of(MetadataTokens.EntityHandle(il.ReadInt32())), where);
                    break;
                case OperandType.InlineSig:
                    var sig = _md.GetStandaloneSignature((StandaloneSignatureHandle)MetadataTokens.EntityHandle(il.ReadInt32()));
                    var decoded = sig.DecodeMethodSignature(_names, null);
                    use(decoded.ReturnType.Concat(decoded.ParameterTypes.SelectMany(p => p)), where);
                    break;
                default: il.Offset += 4; break; // InlineBrTarget, InlineI, InlineString, ShortInlineR
            }
        }
    }

    // Compiler-generated nested types (<>c, <Run>d__3, <buffer>e__FixedBuffer) are code of their declaring type.
    private string SourceType(TypeDefinitionHandle handle)
    {
        var type = _md.GetTypeDefinition(handle);
        while (_md.GetString(type.Name).Contains('<') && !type.GetDeclaringType().IsNil)
        {
            handle = type.GetDeclaringType();
            type = _md.GetTypeDefinition(handle);
        }
        return _names.Name(handle);
    }

    private static string Outermost(string fullName) => fullName.Split('+')[0];

    /// <summary>Decodes signatures into the full names of every type they mention (generic arguments included).</summary>
    private sealed class NameProvider(MetadataReader md) : ISignatureTypeProvider<IEnumerable<string>, object?>
    {
        public HashSet<string> Defined { get; } = md.TypeDefinitions.Select(h => Name(md, h)).ToHashSet();

        public string Name(TypeDefinitionHandle handle) => Name(md, handle);

        private static string Name(MetadataReader md, TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            return declaring.IsNil
                ? Join(md.GetString(type.Namespace), md.GetString(type.Name))
                : Name(md, declaring) + "+" + md.GetString(type.Name);
        }

        private static string Join(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

        private string Name(TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? Name((TypeReferenceHandle)type.ResolutionScope) + "+" + md.GetString(type.Name)
                : Join(md.GetString(type.Namespace), md.GetString(type.Name));
        }

        /// <summary>The types a token names: a type, or a member's declaring type and its signature's types.</summary>
        public IEnumerable<string> Of(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition: return [Name((TypeDefinitionHandle)handle)];
                case HandleKind.TypeReference: return [Name((TypeReferenceHandle)handle)];
                case HandleKind.TypeSpecification:
                    return md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                case HandleKind.FieldDefinition:
                    var field = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                    return [Name(field.GetDeclaringType()), .. field.DecodeSignature(this, null)];
                case HandleKind.MethodDefinition:
                    var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    return [Name(method.GetDeclaringType()), .. Signature(method.DecodeSignature(this, null))];
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    IEnumerable<string> parent = member.Parent.Kind == HandleKind.ModuleReference ? [] : Of(member.Parent);
                    var types = member.GetKind() == MemberReferenceKind.Field
                        ? member.DecodeFieldSignature(this, null)
                        : Signature(member.DecodeMethodSignature(this, null));
                    return [.. parent, .. types];
                case HandleKind.MethodSpecification:
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    return [.. Of(spec.Method), .. spec.DecodeSignature(this, null).SelectMany(t => t)];
                default: return [];
            }
        }

        private static IEnumerable<string> Signature(MethodSignature<IEnumerable<string>> signature) =>
            signature.ReturnType.Concat(signature.ParameterTypes.SelectMany(p => p));

        public IEnumerable<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [Name(handle)];
        public IEnumerable<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [Name(handle)];
        public IEnumerable<string> GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public IEnumerable<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
        public IEnumerable<string> GetGenericTypeParameter(object? context, int index) => [];
        public IEnumerable<string> GetGenericMethodParameter(object? context, int index) => [];
        public IEnumerable<string> GetSZArrayType(IEnumerable<string> elementType) => elementType;
        public IEnumerable<string> GetArrayType(IEnumerable<string> elementType, ArrayShape shape) => elementType;
        public IEnumerable<string> GetByReferenceType(IEnumerable<string> elementType) => elementType;
        public IEnumerable<string> GetPointerType(IEnumerable<string> elementType) => elementType;
        public IEnumerable<string> GetPinnedType(IEnumerable<string> elementType) => elementType;
        public IEnumerable<string> GetModifiedType(IEnumerable<string> modifier, IEnumerable<string> unmodifiedType, bool isRequired) =>
            unmodifiedType.Concat(modifier);
        public IEnumerable<string> GetGenericInstantiation(IEnumerable<string> genericType, ImmutableArray<IEnumerable<string>> typeArguments) =>
            genericType.Concat(typeArguments.SelectMany(t => t));
        public IEnumerable<string> GetFunctionPointerType(MethodSignature<IEnumerable<string>> signature) => Signature(signature);
    }
}
