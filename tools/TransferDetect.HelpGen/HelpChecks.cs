namespace TransferDetect.HelpGen;

/// <summary>Checks that the markdown help covers the cmdlets exactly, so help cannot drift from the code.</summary>
internal static class HelpChecks
{
    public const int MinimumExamples = 2;

    public static void Check(CmdletModel cmdlet, HelpSource help, Diagnostics d)
    {
        string f = help.File;
        if (help.Name != cmdlet.Name) d.Error(f, help.NameLine, $"the first heading must be '# {cmdlet.Name}', the name of the cmdlet this file documents.");
        foreach (string required in new[] { "SYNOPSIS", "DESCRIPTION", "PARAMETERS", "INPUTS", "OUTPUTS", "EXAMPLES" })
        {
            if (!help.SectionsSeen.Contains(required)) d.Error(f, 1, $"the section '## {required}' is missing.");
        }
        if (help.SectionsSeen.Contains("SYNOPSIS") && help.Synopsis.IsEmpty) d.Error(f, help.Synopsis.Line, "the SYNOPSIS is empty.");
        if (help.Synopsis.Paragraphs.Count > 1) d.Error(f, help.Synopsis.Line, "the SYNOPSIS must be one paragraph.");
        if (help.SectionsSeen.Contains("DESCRIPTION") && help.Description.IsEmpty) d.Error(f, help.Description.Line, "the DESCRIPTION is empty.");

        var sections = new Dictionary<string, HelpEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in help.Parameters)
        {
            string name = p.Title.TrimStart('-');
            if (!sections.TryAdd(name, p)) d.Error(f, p.Line, $"the parameter -{name} is documented twice.");
            if (!cmdlet.Parameters.Any(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                d.Error(f, p.Line, $"{cmdlet.Name} has no parameter -{name} (its parameters: {string.Join(", ", cmdlet.Parameters.Select(c => "-" + c.Name))}); remove or rename the section.");
            }
            else if (p.Text.IsEmpty)
            {
                d.Error(f, p.Line, $"the section of -{name} has no description.");
            }
        }
        foreach (var p in cmdlet.Parameters)
        {
            if (!sections.ContainsKey(p.Name))
            {
                string what = p.IsRiskMitigation ? "SupportsShouldProcess adds" : $"{cmdlet.Type.FullName}.{p.Name} is a [Parameter] of type {p.Type.FullName}";
                d.Error(f, 1, $"{cmdlet.Name} -{p.Name} is not documented ({what}): add a '### -{p.Name}' section under '## PARAMETERS'.");
            }
        }

        foreach (var p in cmdlet.Parameters.Where(p => p.FromPipeline))
        {
            if (!help.Inputs.Any(i => Names(p.Type).Contains(i.Title)))
            {
                d.Error(f, 1, $"-{p.Name} takes pipeline input, so '## INPUTS' needs a '### {p.Type.FullName}' (or '### {(p.Type.GetElementType() ?? p.Type).FullName}') entry.");
            }
        }
        foreach (var t in cmdlet.OutputTypes)
        {
            if (!help.Outputs.Any(o => o.Title == t.FullName)) d.Error(f, 1, $"{cmdlet.Name} declares [OutputType({t.FullName})], so '## OUTPUTS' needs a '### {t.FullName}' entry.");
        }
        foreach (var e in help.Inputs.Concat(help.Outputs).Where(e => e.Text.IsEmpty))
        {
            d.Error(f, e.Line, $"the entry '{e.Title}' has no description.");
        }

        if (help.Examples.Count < MinimumExamples) d.Error(f, 1, $"{cmdlet.Name} needs at least {MinimumExamples} examples; it has {help.Examples.Count}.");
        foreach (var e in help.Examples)
        {
            if (e.CodeBlocks != 1) d.Error(f, e.Line, $"the example '{e.Title}' must have exactly one ```powershell block; it has {e.CodeBlocks}.");
            else if (string.IsNullOrWhiteSpace(e.Code)) d.Error(f, e.Line, $"the code of the example '{e.Title}' is empty.");
            if (e.Text.IsEmpty) d.Error(f, e.Line, $"the example '{e.Title}' needs a remark after its code: what it does and what it returns.");
        }
    }

    private static HashSet<string> Names(Type t)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { t.FullName! };
        if (t.GetElementType() is { } element) names.Add(element.FullName!);
        return names;
    }
}
