namespace TransferDetect.HelpGen;

/// <summary>
/// Problems found in the help, written in MSBuild's canonical form (<c>file(line): error TDHELP: ...</c>)
/// so the build lists them as errors pointing at the markdown line.
/// </summary>
internal sealed class Diagnostics
{
    private readonly List<string> _errors = new();

    public IReadOnlyList<string> Errors => _errors;

    public void Error(string file, int line, string message) =>
        _errors.Add($"{Path.GetFullPath(file)}({Math.Max(line, 1)}): error TDHELP: {message}");
}
