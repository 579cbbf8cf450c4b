package org.circuitbook.generator.markdown;

import java.util.Set;
import com.vladsch.flexmark.util.dependency.Dependent;

/** Flexmark factories of the MyST dialect that need no particular order relative to others. */
interface NoDependencies extends Dependent {
    @Override
    default Set<Class<?>> getAfterDependents() {
        return null;
    }

    @Override
    default Set<Class<?>> getBeforeDependents() {
        return null;
    }

    @Override
    default boolean affectsGlobalScope() {
        return false;
    }
}
