using Clipper.Core.Errors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Clipper.Core.Configuration;

/// <summary>
/// Options bound from one configuration section and checked when the host starts (<c>ValidateOnStart</c>): a value
/// that does not convert or is out of range stops the start with <see cref="OptionsValidationException"/> naming the
/// key, which the host reports as <c>bad_option</c>; so does a key the class has no setting for
/// (<see cref="UnknownSettings"/>).
/// </summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> and registers <paramref name="check"/> to run at start,
    /// with the check for unknown keys; <paramref name="alsoKnown"/> names child sections that other classes read.
    /// </summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration config, string section,
        Action<T, OptionChecks> check, IEnumerable<string>? alsoKnown = null)
        where T : class
    {
        services.AddOptions<T>()
            .Configure(o =>
            {
                try
                {
                    config.GetSection(section).Bind(o);
                }
                catch (InvalidOperationException e)
                {
                    // the binder names the key and the type it wanted
                    throw new OptionsValidationException(section, typeof(T), [e.Message]);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(section, (o, c) =>
        {
            check(o, c);
            UnknownSettings.AddTo(c, config.GetSection(section), typeof(T), alsoKnown);
        }));
        return services;
    }

    /// <summary>
    /// The same options read now, for a host that needs them before it is built; throws <see cref="ErrorCode.BadOption"/>
    /// naming every key that is wrong.
    /// </summary>
    public static T Read<T>(IConfiguration config, string section, Action<T, OptionChecks> check)
        where T : class, new()
    {
        T options;
        try
        {
            options = config.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new ClipperException(ErrorCode.BadOption, e.Message);
        }

        var checks = new OptionChecks(section);
        check(options, checks);
        UnknownSettings.AddTo(checks, config.GetSection(section), typeof(T));
        checks.ThrowIfAny();
        return options;
    }

    /// <summary>
    /// The message of a failed start: every failure of every options class, or null when <paramref name="e"/> is
    /// not an options failure.
    /// </summary>
    public static string? Describe(Exception e) => e switch
    {
        OptionsValidationException v => string.Join("; ", v.Failures),
        AggregateException a when a.InnerExceptions.All(i => i is OptionsValidationException) =>
            string.Join("; ", a.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures)),
        _ => null,
    };

    private sealed class SectionValidator<T>(string section, Action<T, OptionChecks> check) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var checks = new OptionChecks(section);
            check(options, checks);
            return checks.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Problems);
        }
    }
}
