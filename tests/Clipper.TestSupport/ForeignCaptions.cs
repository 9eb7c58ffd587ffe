using System.Globalization;
using System.Text;

namespace Clipper.TestSupport;

/// <summary>
/// Side-car captions in Russian for a test talk: distinct sentences, one cue each, laid end to end over the audio, so a
/// source "in Russian" can be made from any cached talk without a Russian voice.
/// </summary>
public static class ForeignCaptions
{
    public static readonly IReadOnlyList<string> Russian =
    [
        "Сегодня я расскажу вам о маленьком бизнесе.",
        "Большинство людей думают, что главное — это идея.",
        "На самом деле главное — это первые покупатели.",
        "Мы открыли пекарню на окраине города.",
        "Первый месяц никто не приходил.",
        "Тогда мы начали печь хлеб прямо у окна.",
        "Прохожие останавливались и смотрели на тесто.",
        "Через неделю у двери стояла очередь.",
        "Почему это сработало так быстро?",
        "Люди покупают историю, а не только хлеб.",
        "Запомните это, когда будете строить своё дело.",
        "Второй урок касается денег и терпения.",
        "Мы потратили все сбережения на новую печь.",
        "Это было страшно, но правильно.",
        "Печь окупилась за полгода работы.",
        "Третий урок самый простой и самый трудный.",
        "Слушайте своих покупателей каждый день.",
        "Они скажут вам, что делать дальше.",
        "Спасибо, что пришли сегодня.",
        "Задавайте вопросы после выступления.",
    ];

    /// <summary>WebVTT of the Russian sentences, <paramref name="cueSeconds"/> each, as many as fit in <paramref name="seconds"/>.</summary>
    /// <param name="header">whether the header names the language ("Language: ru", as YouTube writes it)</param>
    public static string RussianVtt(double seconds, double cueSeconds = 4, bool header = true)
    {
        var b = new StringBuilder("WEBVTT\n");
        if (header)
        {
            b.Append("Kind: captions\nLanguage: ru\n");
        }

        b.Append('\n');
        int cues = (int)Math.Min(Russian.Count, Math.Floor(seconds / cueSeconds));
        for (int i = 0; i < cues; i++)
        {
            b.Append(CultureInfo.InvariantCulture, $"{Stamp(i * cueSeconds)} --> {Stamp(((i + 1) * cueSeconds) - 0.2)}\n{Russian[i]}\n\n");
        }

        return b.ToString();
    }

    private static string Stamp(double s) =>
        TimeSpan.FromSeconds(s).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
}
