<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Exception\SelloException;
use Sello\Fes;

/**
 * With zend.exception_ignore_args=Off (php.ini-development, and PHP's default without a php.ini)
 * every frame of an exception's trace keeps its arguments, which loggers and error trackers
 * collect: the configuration and the requests carry passwords and keys, so each parameter that
 * takes them is #[\SensitiveParameter] (PHP 8.2).
 */
final class SensitiveParameterTest extends SandboxTestCase
{
    public function testEveryParameterThatTakesAConfigurationOrARequestIsSensitive(): void
    {
        $unmarked = [];
        foreach (glob(dirname(__DIR__) . '/src/*.php') ?: [] as $file) {
            $class = 'Sello\\' . basename($file, '.php');
            if (!class_exists($class)) {
                continue;
            }
            foreach ((new \ReflectionClass($class))->getMethods() as $method) {
                foreach ($method->getParameters() as $parameter) {
                    $named = in_array($parameter->getName(), ['config', 'request'], true);
                    if ($named && $parameter->getAttributes(\SensitiveParameter::class) === []) {
                        $unmarked[] = $class . '::' . $method->getName() . '($' . $parameter->getName() . ')';
                    }
                }
            }
        }
        self::assertSame([], $unmarked);
    }

    public function testAThrownErrorsTraceHoldsNoSecret(): void
    {
        $previous = ini_set('zend.exception_ignore_args', '0');
        try {
            $fes = new Fes($this->fesConfig());
            $request = ['claveCertificado' => 'Trace-Secret-91'] + self::FES_REQUEST;
            try {
                $fes->obtainCertificate($request + ['no_such_field' => 1]);
                self::fail('no SelloException');
            } catch (SelloException $e) {
                self::assertStringNotContainsString('Trace-Secret-91', print_r($e->getTrace(), true));
                self::assertStringNotContainsString($this->fesConfig()['clave'], print_r($e->getTrace(), true));
            }
        } finally {
            ini_set('zend.exception_ignore_args', $previous === false ? '1' : $previous);
        }
    }
}
