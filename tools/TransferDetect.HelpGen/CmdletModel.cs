using System.Management.Automation;
using System.Reflection;

namespace TransferDetect.HelpGen;

/// <summary>One parameter of a cmdlet, as PowerShell binds it (from the attributes of the built assembly).</summary>
internal sealed class ParameterModel
{
    public const string AllSets = "__AllParameterSets";

    public string Name { get; init; } = "";
    public Type Type { get; init; } = typeof(object);
    public int Order { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = Array.Empty<string>();
    public bool SupportsWildcards { get; init; }
    public IReadOnlyList<string> ValidValues { get; init; } = Array.Empty<string>();

    /// <summary>Parameter set name to the [Parameter] attribute for that set.</summary>
    public IReadOnlyDictionary<string, ParameterAttribute> Sets { get; init; } = new Dictionary<string, ParameterAttribute>();

    /// <summary>-WhatIf and -Confirm, which PowerShell adds for SupportsShouldProcess.</summary>
    public bool IsRiskMitigation { get; init; }

    public bool IsSwitch => Type == typeof(SwitchParameter);
    public bool InSet(string set) => Sets.ContainsKey(set) || Sets.ContainsKey(AllSets);
    public ParameterAttribute? For(string set) => Sets.TryGetValue(set, out var a) ? a : Sets.TryGetValue(AllSets, out a) ? a : null;
    public bool ByValue => Sets.Values.Any(a => a.ValueFromPipeline);
    public bool ByPropertyName => Sets.Values.Any(a => a.ValueFromPipelineByPropertyName);
    public bool FromPipeline => ByValue || ByPropertyName;

    public string PipelineInput => (ByPropertyName, ByValue) switch
    {
        (true, true) => "True (ByPropertyName, ByValue)",
        (true, false) => "True (ByPropertyName)",
        (false, true) => "True (ByValue)",
        _ => "False",
    };
}

/// <summary>A cmdlet class of the built assembly: its name, parameter sets, parameters and output types.</summary>
internal sealed class CmdletModel
{
    public string Name => Verb + "-" + Noun;
    public string Verb { get; init; } = "";
    public string Noun { get; init; } = "";
    public Type Type { get; init; } = typeof(object);
    public string? DefaultParameterSet { get; init; }
    public List<ParameterModel> Parameters { get; } = new();
    public List<Type> OutputTypes { get; } = new();

    /// <summary>The named parameter sets, the default first; one unnamed set when there are none.</summary>
    public IReadOnlyList<string> ParameterSets
    {
        get
        {
            var named = Parameters.SelectMany(p => p.Sets.Keys).Where(s => s != ParameterModel.AllSets).Distinct().ToList();
            if (named.Count == 0) return new[] { ParameterModel.AllSets };
            return named.OrderBy(s => s == DefaultParameterSet ? 0 : 1).ToList();
        }
    }

    public static List<CmdletModel> Load(string assemblyPath)
    {
        var assembly = Assembly.LoadFrom(Path.GetFullPath(assemblyPath));
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            throw new InvalidOperationException(
                $"The types of {assemblyPath} could not be loaded: {string.Join("; ", e.LoaderExceptions.Select(x => x?.Message).Distinct())}", e);
        }
        var result = new List<CmdletModel>();
        foreach (var type in types.Where(t => t.IsPublic && !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var cmdlet = type.GetCustomAttribute<CmdletAttribute>();
            if (cmdlet == null) continue;
            var model = new CmdletModel
            {
                Verb = cmdlet.VerbName,
                Noun = cmdlet.NounName,
                Type = type,
                DefaultParameterSet = cmdlet.DefaultParameterSetName,
            };
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
            {
                var parameters = property.GetCustomAttributes<ParameterAttribute>().ToList();
                if (parameters.Count == 0) continue;
                model.Parameters.Add(new ParameterModel
                {
                    Name = property.Name,
                    Type = property.PropertyType,
                    Order = property.MetadataToken,
                    Aliases = property.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames).ToList(),
                    SupportsWildcards = property.GetCustomAttribute<SupportsWildcardsAttribute>() != null,
                    ValidValues = property.GetCustomAttribute<ValidateSetAttribute>()?.ValidValues.ToList() ?? new List<string>(),
                    Sets = parameters.ToDictionary(a => string.IsNullOrEmpty(a.ParameterSetName) ? ParameterModel.AllSets : a.ParameterSetName),
                });
            }
            if (cmdlet.SupportsShouldProcess)
            {
                foreach (var (name, alias) in new[] { ("WhatIf", "wi"), ("Confirm", "cf") })
                {
                    model.Parameters.Add(new ParameterModel
                    {
                        Name = name,
                        Type = typeof(SwitchParameter),
                        Order = int.MaxValue,
                        Aliases = new[] { alias },
                        Sets = new Dictionary<string, ParameterAttribute> { [ParameterModel.AllSets] = new ParameterAttribute() },
                        IsRiskMitigation = true,
                    });
                }
            }
            foreach (var output in type.GetCustomAttributes<OutputTypeAttribute>())
            {
                model.OutputTypes.AddRange(output.Type.Select(t => t.Type).Where(t => t != null)!);
            }
            result.Add(model);
        }
        return result;
    }
}
