// Being written by the detectors work; minimal so the package builds.
package struct DetectorConfig: Sendable { package init() {} }
