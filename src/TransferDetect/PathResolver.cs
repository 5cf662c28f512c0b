using System.Collections.Generic;
using System.Management.Automation;

namespace TransferDetect.Commands;

/// <summary>Turns -Path (wildcards) and -LiteralPath values into file-system paths, one error per bad path.</summary>
internal static class PathResolver
{
    public static List<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal)
    {
        var result = new List<string>();
        foreach (var path in paths)
        {
            try
            {
                if (literal)
                {
                    result.Add(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
                    continue;
                }
                var resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                if (provider.Name != "FileSystem")
                {
                    cmdlet.WriteError(new ErrorRecord(
                        new PSArgumentException($"The path {path} is not a file-system path (provider {provider.Name})."),
                        "TransferDetect.NotFileSystemPath", ErrorCategory.InvalidArgument, path));
                    continue;
                }
                if (resolved.Count == 0)
                {
                    cmdlet.WriteError(new ErrorRecord(
                        new ItemNotFoundException($"No file or folder matches the path {path}."),
                        "TransferDetect.PathNotFound", ErrorCategory.ObjectNotFound, path));
                }
                result.AddRange(resolved);
            }
            catch (ItemNotFoundException e)
            {
                cmdlet.WriteError(new ErrorRecord(e, "TransferDetect.PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
            catch (ProviderNotFoundException e)
            {
                cmdlet.WriteError(new ErrorRecord(e, "TransferDetect.NotFileSystemPath", ErrorCategory.InvalidArgument, path));
            }
            catch (DriveNotFoundException e)
            {
                cmdlet.WriteError(new ErrorRecord(e, "TransferDetect.PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
        }
        return result;
    }
}
