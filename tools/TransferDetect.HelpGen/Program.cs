using TransferDetect.HelpGen;

// Usage: TransferDetect.HelpGen --assembly <TransferDetect.dll> --help <folder of <Cmdlet>.md> --out <TransferDetect.dll-Help.xml>
// Exit 0: help written. 1: the help does not match the cmdlets (errors on stdout, one per line,
// in MSBuild's file(line): error form). 2: bad arguments or an assembly that cannot be loaded.
string? assembly = null, helpDir = null, output = null;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--assembly": assembly = args[i + 1]; break;
        case "--help": helpDir = args[i + 1]; break;
        case "--out": output = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"TransferDetect.HelpGen: unknown argument {args[i]}.");
            return 2;
    }
}
if (assembly == null || helpDir == null || output == null || args.Length % 2 != 0)
{
    Console.Error.WriteLine("usage: TransferDetect.HelpGen --assembly <TransferDetect.dll> --help <folder> --out <TransferDetect.dll-Help.xml>");
    return 2;
}

List<CmdletModel> cmdlets;
try
{
    cmdlets = CmdletModel.Load(assembly);
}
catch (Exception e) when (e is IOException || e is BadImageFormatException || e is InvalidOperationException)
{
    Console.Error.WriteLine($"TransferDetect.HelpGen: error TDHELP: {e.Message}");
    return 2;
}

var diagnostics = new Diagnostics();
var documented = new List<(CmdletModel, HelpSource)>();
var files = Directory.GetFiles(helpDir, "*.md")
    .Where(f => !Path.GetFileName(f).Equals("README.md", StringComparison.OrdinalIgnoreCase))
    .ToDictionary(f => Path.GetFileNameWithoutExtension(f), StringComparer.OrdinalIgnoreCase);
if (cmdlets.Count == 0) diagnostics.Error(assembly, 1, "the assembly has no cmdlets.");
foreach (var cmdlet in cmdlets)
{
    if (!files.Remove(cmdlet.Name, out string? file))
    {
        diagnostics.Error(Path.Combine(helpDir, cmdlet.Name + ".md"), 1, $"{cmdlet.Name} ({cmdlet.Type.FullName}) has no help: add {cmdlet.Name}.md to {helpDir} (see README.md there).");
        continue;
    }
    var help = HelpSource.Parse(file, diagnostics);
    HelpChecks.Check(cmdlet, help, diagnostics);
    documented.Add((cmdlet, help));
}
foreach (var stale in files.Values)
{
    diagnostics.Error(stale, 1, $"there is no cmdlet {Path.GetFileNameWithoutExtension(stale)} in {Path.GetFileName(assembly)}; remove or rename the file.");
}

if (diagnostics.Errors.Count > 0)
{
    foreach (string e in diagnostics.Errors) Console.WriteLine(e);
    Console.WriteLine($"TransferDetect.HelpGen: {diagnostics.Errors.Count} problem(s) in the cmdlet help; {output} was not written.");
    return 1;
}

MamlWriter.Write(output, documented);
Console.WriteLine($"TransferDetect.HelpGen: help for {documented.Count} cmdlet(s), {documented.Sum(d => d.Item2.Examples.Count)} example(s) -> {output}");
return 0;
