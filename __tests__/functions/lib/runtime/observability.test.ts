import '../../support/env';
import { METRIC, count, instrumented, metrics, tracer } from '../../../../functions/lib/runtime/observability';
import { context } from '../../support/records';

describe('instrumented', () => {
  afterEach(() => jest.restoreAllMocks());

  it('returns the handler result and flushes the metrics it stored', async () => {
    const publish = jest.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
    jest.spyOn(metrics, 'hasStoredMetrics').mockReturnValue(true);
    const wrapped = instrumented((event: { n: number }) => {
      count(METRIC.recordsStored, event.n);
      return Promise.resolve(event.n * 2);
    });
    await expect(wrapped({ n: 2 }, context)).resolves.toBe(4);
    expect(publish).toHaveBeenCalledTimes(1);
  });

  it('flushes metrics when the handler throws, and rethrows', async () => {
    const publish = jest.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
    jest.spyOn(metrics, 'hasStoredMetrics').mockReturnValue(true);
    await expect(instrumented(async () => Promise.reject(new Error('boom')))({}, context)).rejects.toThrow('boom');
    expect(publish).toHaveBeenCalledTimes(1);
  });

  it('runs the handler in its own subsegment when tracing is on, recording errors on it', async () => {
    jest.spyOn(tracer, 'isTracingEnabled').mockReturnValue(true);
    const close = jest.fn();
    const capture = jest
      .spyOn(tracer.provider, 'captureAsyncFunc')
      .mockImplementation((_name, fn) => fn({ close } as never));
    jest.spyOn(tracer, 'annotateColdStart').mockImplementation(() => undefined);
    jest.spyOn(tracer, 'addServiceNameAnnotation').mockImplementation(() => undefined);
    const addError = jest.spyOn(tracer, 'addErrorAsMetadata').mockImplementation(() => undefined);
    await expect(instrumented(() => Promise.resolve('ok'))({}, context)).resolves.toBe('ok');
    await expect(instrumented(async () => Promise.reject(new Error('x')))({}, context)).rejects.toThrow('x');
    expect(capture.mock.calls[0][0]).toMatch(/^## /);
    expect(close).toHaveBeenCalledTimes(2);
    expect(addError).toHaveBeenCalledTimes(1);
  });

  it('emits no metric for a zero count', () => {
    const add = jest.spyOn(metrics, 'addMetric');
    count(METRIC.barsUpdated, 0);
    expect(add).not.toHaveBeenCalled();
  });
});
