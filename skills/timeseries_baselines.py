"""Chapter 9's statistical baselines, the forecasts every trained model has to beat: the
moving average and the seasonal "differenced moving average + smoothed past" (the naive forecast
is the series shifted by one step), all scored by mean absolute error."""

import numpy as np

DIFF_AVERAGE_WINDOW = 50  # the book's window for the moving average of the differenced series
SMOOTH_PAST_WINDOW = 10  # the book's window for smoothing last season's values


def mae(actual: np.ndarray, forecast: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(forecast).reshape(-1))))


def moving_average_forecast(series: np.ndarray, window_size: int) -> np.ndarray:
    """The book's cumsum version: value i forecasts series[i + window_size] from the
    window_size values before it."""
    mov = np.cumsum(series, dtype="float64")
    mov[window_size:] = mov[window_size:] - mov[:-window_size]
    return (mov[window_size - 1:-1] / window_size).astype("float32")


def seasonal_baseline(series: np.ndarray, split_time: int, period: int) -> np.ndarray | None:
    """The book's best statistical forecast: the moving average of the year-over-year change,
    added to last season's value smoothed over 10 steps. None when the training period is too
    short to hold a season plus the averaging window, or the season too short to smooth."""
    if period < SMOOTH_PAST_WINDOW or split_time < period + DIFF_AVERAGE_WINDOW:
        return None
    diff_series = series[period:] - series[:-period]
    diff_moving_avg = moving_average_forecast(diff_series, DIFF_AVERAGE_WINDOW)[
        split_time - period - DIFF_AVERAGE_WINDOW:]
    half = SMOOTH_PAST_WINDOW // 2
    smooth_past = moving_average_forecast(
        series[split_time - period - half:len(series) - period + half], SMOOTH_PAST_WINDOW)
    return smooth_past + diff_moving_avg
